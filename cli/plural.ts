/** `1 wave`, `2 waves`; `plural(1, 'policy', 'policies')`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
