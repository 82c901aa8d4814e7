/**
 * One classroom per page: the tour store, the tour driver (hooked into the frame loop) and the URL
 * keys they own (`tour`, `step`, `present`). Created on first use and kept per app store, so the
 * components that need it share it without another React context.
 */
import type { AppStore } from '../../store/store';
import type { Controller } from '../controller';
import { useServices } from '../context';
import { TourDriver } from './tourDriver';
import { parseTourLink, withTourLink } from './tourLogic';
import { createTourStore, openStep, type TourStore } from './tourStore';

export interface Classroom {
  tour: TourStore;
  driver: TourDriver;
}

const rooms = new WeakMap<AppStore, Classroom>();

function create(app: AppStore, ctl: Controller): Classroom {
  const link = parseTourLink(window.location.search);
  const tour = createTourStore({ presenting: link.present });
  const driver = new TourDriver(app, tour, ctl);
  ctl.loop.add(() => driver.frame());
  tour.subscribe((s, prev) => {
    if (s.chapterId === prev.chapterId && s.step === prev.step && s.presenting === prev.presenting) return;
    const q = withTourLink(window.location.search, {
      chapterId: s.chapterId,
      step: s.step,
      present: s.presenting,
    });
    if (q !== window.location.search)
      window.history.replaceState(
        window.history.state,
        '',
        `${window.location.pathname}${q}${window.location.hash}`,
      );
  });
  if (link.chapterId) openStep(tour, link.chapterId, link.step, true);
  return { tour, driver };
}

export function useClassroom(): Classroom {
  const { store, controller } = useServices();
  let room = rooms.get(store);
  if (!room) {
    room = create(store, controller);
    rooms.set(store, room);
  }
  return room;
}
