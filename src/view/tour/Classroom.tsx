/**
 * The classroom features' two mount points: the bar under the stage (rewind, presets, tours,
 * presenter) and the overlays (tour card, preset note, presenter mode).
 */
import { PresetWatch, PresetsMenu } from '../presets/Presets';
import { PresentButton, Presenter } from '../presenter/Presenter';
import { StepBack, TimelineScrubber } from '../rewind/Rewind';
import { ToursMenu, TourPanel } from './Tour';

export function ClassroomBar() {
  return (
    <div className="classbar" role="toolbar" aria-label="Rewind and classroom">
      <StepBack />
      <TimelineScrubber />
      <span className="class-sep" aria-hidden="true" />
      <PresetsMenu />
      <ToursMenu />
      <PresentButton />
    </div>
  );
}

export function ClassroomOverlays() {
  return (
    <>
      <PresetWatch />
      <TourPanel />
      <Presenter />
    </>
  );
}
