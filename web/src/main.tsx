import { createRoot } from 'react-dom/client';
import { AgentConsole } from './agent/AgentConsole';
import { CallerPage } from './caller/CallerPage';
import './styles.css';
import './phone.css';

// Two pages in one SPA; the API serves index.html for both paths.
const path = window.location.pathname.replace(/\/+$/, '');
const isAgent = path === '/agent' || path.startsWith('/agent/');
document.title = isAgent ? 'Warmline — Agent console' : 'Warmline — Call support';
window.__warmline ??= { room: null };

createRoot(document.getElementById('root')!).render(isAgent ? <AgentConsole /> : <CallerPage />);
