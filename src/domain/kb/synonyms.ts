// RTC synonym groups in Chinese and English, applied at query time by analyzeQuery().
//
// Each entry is free text: it is run through the same analyzer as queries, so inflections
// ("freezes", "freezing") and segmentation (画面不动 → 画面/不/动) match automatically. A
// multi-word entry is a phrase: it matches only as a contiguous run of query terms. When any entry
// of a group matches, the other entries are added to the query at a lower weight than the words
// the customer typed. Groups are symmetric; keep them narrow (a word that means two things belongs
// to the narrower group only), because every entry widens recall for all the others.

export interface SynonymGroup {
  /** Stable name, for debugging and tests. */
  readonly id: string;
  readonly terms: readonly string[];
}

export const SYNONYM_GROUPS: readonly SynonymGroup[] = [
  // ── symptoms ──────────────────────────────────────────────────────────────────────────────
  { id: 'freeze', terms: ['卡顿', '卡', '很卡', '冻屏', '卡住', '画面不动', '画面卡住', '画面定格', '不流畅', '一卡一卡', 'freeze', 'frozen', 'stutter', 'lag', 'laggy', 'choppy', 'stuck'] },
  { id: 'echo', terms: ['回声', '回音', '听到自己的声音', '听到自己', 'echo', 'hear myself', 'hear my own voice'] },
  { id: 'howling', terms: ['啸叫', '尖叫声', '刺耳的声音', '嗡嗡声', 'howling', 'howl', 'squeal', 'acoustic feedback', 'screech'] },
  { id: 'black-screen', terms: ['黑屏', '看不到画面', '没画面', '没有画面', '无画面', '画面黑', '看不到对方', 'black screen', 'no video', 'blank video', 'video not showing', 'cannot see remote'] },
  { id: 'latency', terms: ['延迟', '延时', '时延', '慢半拍', '延迟高', 'latency', 'delay', 'high latency', 'rtt', 'round trip time'] },
  { id: 'disconnect', terms: ['掉线', '断线', '断开', '连接断开', '被踢', '断连', 'disconnect', 'dropped', 'connection lost', 'kicked out', 'drop out'] },
  { id: 'join-failure', terms: ['加入频道失败', '进不了房间', '进房失败', '加入失败', '进不去', '进频道失败', '无法加入', '进不了频道', '加不进', 'join failure', 'join fail', 'fail to join', 'unable to join', 'not join'] },
  { id: 'first-frame', terms: ['首帧', '首帧慢', '出图慢', '出画慢', '出图', '首屏', 'first frame', 'time to first frame', 'ttff', 'slow to show video'] },
  { id: 'no-audio', terms: ['没声音', '无声', '没有声音', '听不到', '听不见', '听不到声音', '声音没了', 'no audio', 'no sound', 'not hear', 'silent', 'silence', 'audio missing'] },
  { id: 'noise', terms: ['杂音', '噪音', '噪声', '底噪', '电流声', '沙沙声', '滋滋声', '背景音', 'noise', 'noisy', 'background noise', 'hiss', 'static', 'buzz'] },
  { id: 'low-volume', terms: ['声音小', '音量小', '声音太小', '音量低', '听不清', '声音很小', 'low volume', 'volume too low', 'quiet', 'too quiet', 'faint'] },
  { id: 'crash', terms: ['崩溃', '闪退', 'crash', 'crashes', 'app crash'] },
  { id: 'av-sync', terms: ['音画不同步', '声画不同步', '嘴型对不上', 'av sync', 'audio video sync', 'lip sync', 'out of sync'] },
  { id: 'blurry', terms: ['模糊', '画质差', '不清晰', '马赛克', '花屏', 'blurry', 'pixelated', 'mosaic', 'poor quality', 'artifacts'] },

  // ── audio devices and routes ───────────────────────────────────────────────────────────────
  { id: 'headset', terms: ['耳机', '蓝牙', '蓝牙耳机', '有线耳机', '耳麦', 'bluetooth', 'headset', 'headphones', 'earphones', 'earbuds', 'airpods'] },
  { id: 'speaker', terms: ['外放', '扬声器', '免提', '喇叭', 'speaker', 'speakerphone', 'loudspeaker'] },
  { id: 'earpiece', terms: ['听筒', '听筒模式', 'earpiece', 'receiver'] },
  { id: 'audio-route', terms: ['音频路由', '声音跑到', '声音切换', '输出设备', 'audio route', 'audio routing', 'output device', 'route change'] },
  { id: 'microphone', terms: ['麦克风', '麦', '话筒', '采集声音', 'microphone', 'mic', 'recording device'] },
  { id: 'camera', terms: ['摄像头', '相机', '前置摄像头', '后置摄像头', 'camera', 'webcam', 'front camera', 'rear camera'] },
  { id: 'occupied', terms: ['被占用', '占用', '被其他应用使用', '设备忙', 'occupied', 'in use', 'device busy', 'used by another app'] },
  { id: 'permission', terms: ['权限', '授权', '没有权限', '权限被拒绝', 'permission', 'permission denied', 'not allowed', 'access denied'] },
  { id: 'mute', terms: ['静音', '闭麦', '关麦', 'mute', 'muted', 'unmute'] },
  { id: 'phone-call', terms: ['来电', '打电话', '电话打断', '系统电话', 'phone call', 'incoming call', 'interruption', 'interrupted'] },

  // ── features ───────────────────────────────────────────────────────────────────────────────
  { id: 'screen-share', terms: ['屏幕共享', '共享屏幕', '分享屏幕', '屏幕分享', '共享桌面', 'screen sharing', 'screen share', 'share screen', 'screencast', 'screen capture'] },
  { id: 'recording', terms: ['录制', '录像', '云录制', '录制文件', 'recording', 'record', 'cloud recording', 'recorded file'] },
  { id: 'webhook', terms: ['回调', '消息通知', '事件通知', '通知回调', 'webhook', 'callback', 'event notification', 'notification url'] },
  { id: 'noise-suppression', terms: ['降噪', '噪声抑制', '消除噪音', '去噪', 'noise suppression', 'denoise', 'noise reduction', 'ans'] },
  { id: 'aec', terms: ['回声消除', '回声抑制', 'aec', 'echo cancellation', 'acoustic echo cancellation'] },
  { id: 'dual-stream', terms: ['大小流', '双流', '多流', '小流', 'simulcast', 'dual stream', 'low stream', 'small stream', 'low quality stream'] },
  { id: 'cdn-push', terms: ['推流', '旁路推流', '转推', '推流失败', 'cdn推流', 'push stream', 'publish stream', 'stream push', 'cdn relay', 'relay to cdn', 'rtmp push', 'rtmp'] },
  { id: 'autoplay', terms: ['自动播放', '自动播放受限', 'autoplay', 'auto play', 'autoplay policy', 'autoplay blocked'] },
  { id: 'callkit', terms: ['callkit', '系统来电界面', '来电界面', 'pushkit', 'voip推送', 'voip push'] },
  { id: 'h265', terms: ['h265', 'hevc', 'h265编码'] },
  { id: 'h264', terms: ['h264', 'avc'] },
  { id: 'reconnect', terms: ['重连', '自动重连', '重新连接', '重新加入', 'reconnect', 'reconnection', 'rejoin', 'reconnecting'] },
  { id: 'log', terms: ['日志', 'log', 'logs', 'log file', 'sdk log'] },
  { id: 'upgrade', terms: ['升级', '更新版本', '版本升级', '迁移', 'upgrade', 'update sdk', 'migrate', 'migration'] },
  { id: 'background', terms: ['后台', '切后台', '退后台', '锁屏', '退到后台', 'background', 'backgrounded', 'lock screen', 'screen locked'] },
  { id: 'app-killed', terms: ['杀后台', '被杀', '进程被杀', '保活', '被系统杀掉', '电池优化', 'app killed', 'killed', 'battery optimization', 'keep alive'] },

  // ── network and infrastructure ─────────────────────────────────────────────────────────────
  { id: 'weak-network', terms: ['弱网', '网络差', '网络不好', '信号差', '网络不稳定', '抗弱网', 'weak network', 'poor network', 'bad network', 'unstable network', 'bad connection'] },
  { id: 'network-quality', terms: ['网络质量', '网络状态', '网络状况', '网络评分', 'network quality', 'network status', 'quality score'] },
  { id: 'packet-loss', terms: ['丢包', '丢包率', 'packet loss', 'loss rate'] },
  { id: 'jitter', terms: ['抖动', '网络抖动', 'jitter'] },
  { id: 'firewall', terms: ['防火墙', '内网', '企业网络', '公司网络', 'firewall', 'corporate network', 'enterprise network'] },
  { id: 'proxy', terms: ['代理', '云代理', '代理服务器', 'proxy', 'cloud proxy', 'proxy server'] },
  { id: 'allowlist', terms: ['白名单', '放行', '端口', 'whitelist', 'allowlist', 'port', 'ports'] },
  { id: 'cross-border', terms: ['跨境', '跨国', '出海', '海外', '国外', '境外', 'cross-border', 'cross border', 'overseas', 'international', 'abroad'] },
  { id: 'mainland', terms: ['国内', '大陆', '中国大陆', '内地', 'mainland', 'mainland china', 'china'] },
  { id: 'rate-limit', terms: ['限流', '频率限制', '请求过多', '请求太频繁', 'rate limit', 'rate limited', 'throttle', 'throttling', 'too many requests'] },
  { id: 'clock-skew', terms: ['时钟偏差', '时间不对', '服务器时间', '时间不同步', '系统时间', 'clock skew', 'clock drift', 'time sync', 'ntp', 'server time'] },

  // ── credentials ────────────────────────────────────────────────────────────────────────────
  { id: 'token-expired', terms: ['token过期', '令牌过期', 'token失效', 'token到期', 'token expired', 'token expiry', 'expired token', 'token expire'] },
  { id: 'token-invalid', terms: ['token无效', '无效token', '鉴权失败', 'token错误', '令牌无效', 'invalid token', 'token invalid', 'authentication failed', 'auth failed'] },
  { id: 'expire', terms: ['过期', '失效', '到期', 'expire', 'expired', 'expiry', 'expiration'] },
  { id: 'app-id', terms: ['app id', 'appid', '应用id', '项目id', 'application id'] },
  { id: 'certificate', terms: ['证书', 'app证书', '项目证书', 'certificate', 'app certificate'] },

  // ── concepts ───────────────────────────────────────────────────────────────────────────────
  { id: 'channel', terms: ['频道', '房间', 'channel', 'room'] },
  { id: 'join', terms: ['加入', '进入', '进房', '进频道', 'join', 'enter'] },
  { id: 'leave', terms: ['离开', '退出', '退房', '离开频道', 'leave', 'exit', 'quit'] },
  { id: 'remote', terms: ['远端', '对方', '对端', '远端用户', 'remote', 'remote user', 'other side', 'peer'] },
  { id: 'audio', terms: ['音频', '声音', '语音', 'audio', 'sound', 'voice'] },
  { id: 'video', terms: ['视频', '画面', 'video', 'picture'] },
  { id: 'bitrate', terms: ['码率', '比特率', '带宽', 'bitrate', 'bit rate', 'bandwidth'] },
  { id: 'resolution', terms: ['分辨率', '清晰度', '画质', 'resolution', 'definition'] },
  { id: 'framerate', terms: ['帧率', 'fps', 'frame rate', 'framerate'] },
  { id: 'error', terms: ['报错', '错误码', '错误', '报', 'error', 'error code'] },
  { id: 'restart', terms: ['重启', '重新启动', 'restart', 'reboot'] },

  // ── scenarios ──────────────────────────────────────────────────────────────────────────────
  { id: 'live', terms: ['直播', '直播间', '主播', 'live streaming', 'live stream', 'broadcaster'] },
  { id: 'conference', terms: ['会议', '视频会议', '开会', 'conferencing', 'conference', 'meeting'] },
  { id: 'education', terms: ['教育', '在线教育', '上课', '课堂', '老师', '学生', 'education', 'classroom', 'online class', 'teacher', 'student'] },
  { id: 'one-to-one', terms: ['1v1', '一对一', '1对1', 'one-on-one', 'one to one', 'private call'] },

  // ── platforms ──────────────────────────────────────────────────────────────────────────────
  { id: 'android', terms: ['安卓', 'android', '安卓手机'] },
  { id: 'ios', terms: ['苹果', '苹果手机', 'ios', 'iphone', 'ipad', 'ipados'] },
  { id: 'macos', terms: ['苹果电脑', 'mac', 'macos', 'macbook', 'osx'] },
  { id: 'windows', terms: ['windows', 'win10', 'win11', 'windows电脑'] },
  { id: 'desktop', terms: ['桌面端', '电脑', '桌面', 'pc', 'desktop', 'computer'] },
  { id: 'web', terms: ['浏览器', '网页', 'web端', 'web', 'browser', 'webpage'] },
  { id: 'electron', terms: ['electron', 'electron应用'] },
  { id: 'chrome', terms: ['谷歌浏览器', 'chrome', 'chromium'] },
  { id: 'safari', terms: ['safari', 'safari浏览器'] },
  { id: 'xiaomi', terms: ['小米', '红米', 'xiaomi', 'redmi', 'miui', 'hyperos'] },
  { id: 'huawei', terms: ['华为', '荣耀', '鸿蒙', 'huawei', 'honor', 'emui', 'harmonyos'] },
  { id: 'oppo', terms: ['oppo', 'coloros', '一加', 'oneplus'] },
  { id: 'vivo', terms: ['vivo', 'originos', 'funtouch'] },
  { id: 'samsung', terms: ['三星', 'samsung', 'one ui'] },
];
