import { runDemo } from './demo.js';

runDemo();
