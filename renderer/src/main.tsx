import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context';
import { createApiClient } from './api/client';
import { App } from './App';
import { requestFirstPage } from './mailbox/use-message-window';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const api = createApiClient();
// asked for now, not from the list's effect after the first render: it is on its way (from the
// page's preload, headless) while React renders
const firstPage = requestFirstPage(api);
createRoot(root).render(
  <StrictMode>
    <ApiProvider api={api}>
      <App firstPage={firstPage} />
    </ApiProvider>
  </StrictMode>,
);
