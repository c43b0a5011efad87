// The catalog tour is not interactive, so running the app is running the tour.
import { runDemo } from './tour.js';

runDemo();
