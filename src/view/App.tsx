import { ChartData } from './a11y/ChartData';
import { LiveNarrator } from './a11y/LiveNarrator';
import { CompareView } from './compare/CompareView';
import { useViewFlags } from './compare/mode';
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
import { Welcome } from './welcome/Welcome';

export function App() {
  const { store, controller } = useServices();
  useKeyboard(store, controller);
  const view = useViewFlags();
  const compare = view.mode === 'compare';
  return (
    <div className={`app${compare ? ' compare' : ''}${view.embed ? ' embed' : ''}`}>
      <TopBar />
      <LeftRail />
      {compare ? (
        <CompareView />
      ) : (
        <>
          <main className="main">
            <Stage />
            <ClassroomBar />
            <Welcome />
          </main>
          <Metrics />
          <Charts />
          <ChartData />
        </>
      )}
      <LiveNarrator />
      <Notices />
      <ClassroomOverlays />
      <Help />
    </div>
  );
}
