import { createRoot } from 'react-dom/client';
import { App } from './App.jsx';
import { exampleServices } from './data.js';

createRoot(document.getElementById('root')).render(<App services={exampleServices()} />);
