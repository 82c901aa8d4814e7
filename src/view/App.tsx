import { ChartData } from './a11y/ChartData';
import { LiveNarrator } from './a11y/LiveNarrator';
import { CompareView } from './compare/CompareView';
import { useViewFlags } from './compare/mode';
import { useServices } from './context';
import { useKeyboard } from './keyboard';
import { ClassroomBar, ClassroomOverlays } from './tour/Classroom';
import { Charts } from './ui/Charts';
import { EngineFailureBar } from './ui/EngineFailureBar';
import { Help } from './ui/Help';
import { LeftRail } from './ui/LeftRail';
import { Metrics } from './ui/Metrics';
import { Notices } from './ui/Notices';
import { PanelBoundary } from './ui/PanelBoundary';
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
      {/* Each panel fails alone: the others and the simulation keep going. */}
      <PanelBoundary name="The top bar" className="area-top">
        <TopBar />
      </PanelBoundary>
      <PanelBoundary name="The workload panel" className="area-left">
        <LeftRail />
      </PanelBoundary>
      {compare ? (
        <PanelBoundary name="Compare mode" className="area-compare">
          <CompareView />
        </PanelBoundary>
      ) : (
        <>
          <PanelBoundary name="The stage" className="area-main">
            <main className="main">
              <Stage />
              <ClassroomBar />
              <Welcome />
            </main>
          </PanelBoundary>
          <PanelBoundary name="The metrics panel" className="area-right">
            <Metrics />
          </PanelBoundary>
          <PanelBoundary name="The charts" className="area-charts">
            <Charts />
          </PanelBoundary>
          <PanelBoundary name="The chart data">
            <ChartData />
          </PanelBoundary>
        </>
      )}
      <PanelBoundary name="The narrator">
        <LiveNarrator />
      </PanelBoundary>
      <EngineFailureBar />
      <PanelBoundary name="The notices">
        <Notices />
      </PanelBoundary>
      <PanelBoundary name="The classroom overlay">
        <ClassroomOverlays />
      </PanelBoundary>
      <PanelBoundary name="Help">
        <Help />
      </PanelBoundary>
    </div>
  );
}
