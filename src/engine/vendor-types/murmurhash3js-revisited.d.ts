declare module 'murmurhash3js-revisited' {
  interface Murmur {
    x86: {
      hash32(bytes: Uint8Array, seed?: number): number;
      hash128(bytes: Uint8Array, seed?: number): string;
    };
    x64: { hash128(bytes: Uint8Array, seed?: number): string };
    inputValidation: boolean;
  }
  const murmur: Murmur;
  export default murmur;
}
