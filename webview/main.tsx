import { render } from 'preact';
import { LiveAgentFleetDashboard } from './LiveAgentFleetDashboard';
import { getHost } from './vscodeApi';
import './ui/vscodeElements';
import './styles.css';

render(<LiveAgentFleetDashboard host={getHost()} />, document.getElementById('root')!);
