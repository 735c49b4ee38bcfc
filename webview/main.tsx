import { render } from 'preact';
import { LiveAgentFleetDashboard } from './LiveAgentFleetDashboard';
import { getHost } from './vscodeApi';
import './ui/vscodeElements';
import './styles.css';

const root = document.getElementById('root')!;
// The host says where the page lives: the sidebar's Fleet view gets the compact list (fleetHtml.ts).
render(<LiveAgentFleetDashboard host={getHost()} compact={root.dataset.surface === 'view'} />, root);
