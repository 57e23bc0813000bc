import { useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Loading } from '../components/Loading.tsx';
import { ComponentAdmin, NewIncidentForm, NewMaintenanceForm, UpdateForm } from '../components/status/StatusAdminForms.tsx';
import { IncidentCard, MaintenanceItem } from '../components/status/StatusParts.tsx';
import { statusApi } from '../components/status/statusApi.ts';
import { useLoad } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { useMe } from '../session.tsx';

/** Staff: the status page's components, incidents and their updates, maintenance windows. */
export function StatusAdminPage() {
  const { t } = useI18n();
  const { user } = useMe();
  const data = useLoad(async () => {
    const [components, incidents, maintenance] = await Promise.all([statusApi.components(), statusApi.incidents(), statusApi.maintenance()]);
    return { components: components.items, incidents: incidents.items, maintenance: maintenance.items };
  }, []);
  const [completeError, setCompleteError] = useState<unknown>(null);
  const reload = () => void data.reload();
  const d = data.data;
  const complete = async (id: string) => {
    setCompleteError(null);
    try {
      await statusApi.completeMaintenance(id);
      reload();
    } catch (err) {
      setCompleteError(err);
    }
  };
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('statusAdmin.title')}</h1>
        <span className="filters-spacer" />
        <a className="btn btn-small" href="/status" target="_blank" rel="noreferrer">
          {t('statusAdmin.openPublic')}
        </a>
      </div>
      <ErrorNotice error={data.error} />
      {!d ? (
        !data.error && <Loading />
      ) : (
        <div className="policies-layout">
          <div className="stack">
            <h2>{t('statusAdmin.incidents')}</h2>
            {d.incidents.length === 0 && <div className="empty">{t('statusPage.noHistory')}</div>}
            {d.incidents.map((i) => (
              <div key={i.id} className="stack">
                <IncidentCard incident={i} components={d.components} />
                {i.status !== 'resolved' && <UpdateForm incident={i} onPosted={reload} />}
              </div>
            ))}
            <h2>{t('statusPage.maintenanceTitle')}</h2>
            <ErrorNotice error={completeError} />
            <ul className="card panel sp-maintenance-list">
              {d.maintenance.length === 0 && <li className="empty">{t('statusAdmin.noMaintenance')}</li>}
              {d.maintenance.map((m) => (
                <MaintenanceItem
                  key={m.id}
                  m={m}
                  components={d.components}
                  action={
                    m.state !== 'completed' ? (
                      <button type="button" className="btn btn-small" onClick={() => void complete(m.id)}>
                        {t('statusAdmin.complete')}
                      </button>
                    ) : undefined
                  }
                />
              ))}
            </ul>
          </div>
          <div className="stack">
            <ComponentAdmin components={d.components} admin={user.role === 'admin'} onChange={reload} />
            <NewIncidentForm components={d.components} onCreated={reload} />
            <NewMaintenanceForm components={d.components} onCreated={reload} />
          </div>
        </div>
      )}
    </div>
  );
}
