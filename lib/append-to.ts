/**
 * Adds `value` to the list under `key`, in place: grouping rows by key this way stays linear
 * (copying the list for each value, `[...(lists.get(key) ?? []), value]`, made long listings
 * quadratic).
 */
export function appendTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}
