import { runDemo } from './tour.js';

runDemo();
