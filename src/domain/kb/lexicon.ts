// Word lists used by the analyzer (analyze.ts): stop words in English and Chinese, and the RTC
// vocabulary added to jieba's dictionary so that domain compounds stay whole (屏幕共享, 切后台 …).
//
// Negations (no, not, 没, 没有, 无, 不) are deliberately NOT stop words: "no audio" / 没声音 /
// 无画面 are the heart of many support questions, and synonym phrases are matched on the
// stop-word-free term sequence. English negative contractions (can't, doesn't, cannot …) are
// rewritten to `not` by the analyzer before this list is consulted; reflexives (myself) are kept
// because "hear myself" is how customers describe echo.

/** English stop words, matched on the lower-cased surface form before stemming. */
export const EN_STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'about', 'after', 'again', 'all', 'also', 'am', 'an', 'and', 'any', 'are', 'as', 'at',
  'be', 'because', 'been', 'before', 'being', 'both', 'but', 'by',
  'can', 'could',
  'did', 'do', 'does', 'doing', 'during',
  'each', 'either', 'else', 'etc', 'even', 'ever', 'every',
  'few', 'for', 'from', 'further',
  'had', 'has', 'have', 'having', 'he', 'hello', 'her', 'here', 'hers', 'him', 'his', 'hi', 'how',
  'i', "i'm", "i've", 'ie', 'if', 'in', 'into', 'is', 'it', "it's", 'its',
  'just', 'let', "let's", 'may', 'me', 'might', 'more', 'most', 'much', 'must', 'my',
  'nor', 'of', 'on', 'once', 'only', 'or', 'other', 'our', 'ours',
  'please', 'pls', 'same', 'she', 'should', 'so', 'some', 'such',
  'than', 'thank', 'thanks', 'that', "that's", 'the', 'their', 'theirs', 'them',
  'then', 'there', "there's", 'these', 'they', "they're", 'this', 'those', 'through', 'thus', 'to',
  'too', 'us', 'very', 'was', 'we', "we're", 'were', 'what', "what's", 'when', 'where',
  'whether', 'which', 'while', 'who', 'whom', 'whose', 'why', 'will', 'with', 'would',
  'yet', 'you', "you're", 'your', 'yours',
]);

/** Chinese stop words, matched on whole segments produced by the segmenter. */
export const ZH_STOP_WORDS: ReadonlySet<string> = new Set([
  '的', '了', '吗', '呢', '吧', '啊', '呀', '嘛', '哦', '哈', '么', '啦', '喔', '嗯', '哎', '诶',
  '是', '在', '着', '过', '得', '地', '之', '其', '与', '及', '和', '跟', '同', '或', '或者', '而', '而且',
  '我', '我们', '你', '你们', '您', '他', '她', '它', '他们', '她们', '它们', '咱们', '大家', '自己',
  '这', '那', '这个', '那个', '这些', '那些', '这样', '那样', '这里', '那里', '这边', '那边', '此',
  '就', '也', '都', '还', '又', '再', '才', '很', '太', '非常', '比较', '特别', '挺', '真',
  '把', '被', '给', '让', '对', '向', '从', '于', '为', '以', '用', '将', '按', '由',
  '会', '能', '可以', '可能', '要', '想', '需要', '应该', '一下', '一个', '一些', '些', '个',
  '请', '请问', '麻烦', '帮忙', '帮', '看看', '看一下', '一下子', '谢谢', '你好', '您好', '在线等', '急',
  '怎么', '怎么办', '怎样', '怎么样', '如何', '什么', '为什么', '为啥', '啥', '哪', '哪里', '哪个', '多少',
  '问题', '情况', '现象', '时候', '时', '的话', '然后', '但是', '但', '所以', '因为', '如果', '虽然',
  '已经', '一直', '总是', '老是', '经常', '有时', '有时候', '偶尔', '突然', '现在', '目前', '之后', '以后', '之前', '以前',
  '里', '里面', '上', '下', '中', '内',
  '有', '没什么', '一样', '等', '等等', '之类', '方面', '相关', '进行', '出现', '发现', '遇到', '碰到',
  '。', '，',
]);

/**
 * Domain compounds added to jieba's dictionary. Without them jieba splits 屏幕共享 into 屏幕/共享
 * (still searchable, but the compound is a sharper term); with them the compound is the primary
 * term and its parts come back as sub-words from cut_for_search.
 */
export const ZH_USER_WORDS: readonly string[] = [
  '安卓', '鸿蒙', '机房', '屏幕共享', '共享屏幕', '切后台', '退后台', '音频路由', '前台服务', '旁路推流', '云录制', '本地录制',
  '大小流', '抗弱网', '回声消除', '噪声抑制', '自动增益', '外放', '听筒', '扬声器', '蓝牙耳机', '有线耳机',
  '加入频道', '进房', '退房', '进频道', '断网', '自动重连', '网络质量', '码率', '帧率', '分辨率',
  '时钟偏差', '服务器时间', '鉴权', '证书', '音频会话', '首帧', '出图', '黑屏', '花屏', '卡顿', '冻屏',
  '啸叫', '回音', '掉线', '断线', '延时', '声音小', '音量小', '没声音', '无声', '杂音', '底噪', '电流声',
  '摄像头', '麦克风', '被占用', '权限', '自动播放', '跨境', '出海', '海外', '弱网', '丢包', '抖动',
  '双流', '推流', '拉流', '转推', '录制', '回调', '限流', '日志', '升级', '机型', '保活', '杀后台',
  '电池优化', '自启动', '硬件编码', '硬编', '软编', '硬解', '软解', '美颜', '采集', '渲染', '合图', '混流',
];

/** Units kept glued to their number (`400ms`, `400 ms` → `400ms`). Lower case. */
export const MEASURE_UNITS: readonly string[] = [
  'ms', 'kbps', 'mbps', 'bps', 'fps', 'khz', 'hz', 'db', 'dbfs', 'kb', 'mb', 'gb', 'min', 'mins',
  'sec', 'secs', 's', 'h', 'p', 'k', 'x', '%',
];

/**
 * Platform names the stemmer must leave whole. Written in camel case (`HarmonyOS`) they are kept
 * as one identifier; typed in lower case they would otherwise lose their final s (`harmonyo`) and
 * no longer meet the article's term.
 */
export const UNSTEMMED_WORDS: ReadonlySet<string> = new Set([
  'harmonyos', 'openharmony', 'macos', 'ipados', 'tvos', 'watchos', 'visionos', 'chromeos', 'webos', 'ios',
]);
