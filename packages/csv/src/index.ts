export { CsvError, type CsvErrorCode } from './errors.js';
export { type CellValue, stringify } from './stringify.js';
