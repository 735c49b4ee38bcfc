/**
 * The label the host's back-end registry gives a back-end id, or undefined. The id comes from a SpecTask's
 * record on the shared branch: an own-property lookup, so an id such as `constructor` never reads the prototype.
 */
export function backendLabelOf(labels: Readonly<Record<string, string>> | undefined, id: string | undefined) {
  return labels && id !== undefined && Object.prototype.hasOwnProperty.call(labels, id) ? labels[id] : undefined;
}
