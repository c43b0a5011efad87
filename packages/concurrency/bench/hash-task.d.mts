/** Hashes `data` `rounds` times (sha256 chain) and returns the hex digest. */
declare function hash(task: { data: Uint8Array; rounds: number }): string;
export default hash;
