import { createRoot } from 'react-dom/client';
import { AgentConsole } from './agent/AgentConsole';
import { CallerPage } from './caller/CallerPage';
import { SupervisorPage } from './supervisor/SupervisorPage';
import './styles.css';
import './phone.css';

// Two pages in one SPA; the API serves index.html for both paths.
const path = window.location.pathname.replace(/\/+$/, '');
const isAgent = path === '/agent' || path.startsWith('/agent/');
// The supervisor board is a view under /agent (served by the same SPA route).
const isSupervisor = path === '/agent/supervisor';
document.title = isSupervisor ? 'Warmline — Supervisor board' : isAgent ? 'Warmline — Agent console' : 'Warmline — Call support';
window.__warmline ??= { room: null };

createRoot(document.getElementById('root')!).render(isSupervisor ? <SupervisorPage /> : isAgent ? <AgentConsole /> : <CallerPage />);
