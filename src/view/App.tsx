import { useServices } from './context';
import { useKeyboard } from './keyboard';
import { ClassroomBar, ClassroomOverlays } from './tour/Classroom';
import { Charts } from './ui/Charts';
import { Help } from './ui/Help';
import { LeftRail } from './ui/LeftRail';
import { Metrics } from './ui/Metrics';
import { Notices } from './ui/Notices';
import { Stage } from './ui/Stage';
import { TopBar } from './ui/TopBar';

export function App() {
  const { store, controller } = useServices();
  useKeyboard(store, controller);
  return (
    <div className="app">
      <TopBar />
      <LeftRail />
      <main className="main">
        <Stage />
        <ClassroomBar />
      </main>
      <Metrics />
      <Charts />
      <Notices />
      <ClassroomOverlays />
      <Help />
    </div>
  );
}
