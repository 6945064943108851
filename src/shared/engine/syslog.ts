// What syslog and the systemd journal put before a kernel message when a log is taken
// from them rather than from dmesg: a priority (`<6>`, the `<%u>` of printk_get_level()'s
// LOG_KERN facility as /dev/kmsg readers keep it), a date and host (`Nov 21 10:00:01 host
// kernel: `, journalctl's `-o short-iso`), or a bare `kernel: `.

/** A syslog (RFC 3164) or `journalctl -o short-iso` prefix of a kernel line. */
export const SYSLOG = /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT[\d:.+-]+) +\S+ +kernel: ?/
/** SYSLOG and a syslog priority, sticky: read from a position of a whole text */
const SYSLOG_AT = new RegExp(SYSLOG.source.slice(1), 'y')
const PRIORITY_AT = /<\d+>/y

/**
 * Where the line [off, end) of `s` goes on after a syslog priority, a syslog or journal
 * prefix and `kernel: `, each where it stands (readMessages() removes them in this order).
 * None of them holds white space other than spaces, so none reads past the line's end.
 */
export function afterSyslogPrefixes(s: string, off: number, end: number): number {
  let p = off
  if (p < end && s.charCodeAt(p) === 60) {
    PRIORITY_AT.lastIndex = p
    if (PRIORITY_AT.test(s)) p = PRIORITY_AT.lastIndex
  }
  const c = p < end ? s.charCodeAt(p) : -1
  if ((c >= 65 && c <= 90) || (c >= 48 && c <= 57)) {
    SYSLOG_AT.lastIndex = p
    if (SYSLOG_AT.test(s)) p = SYSLOG_AT.lastIndex
  }
  return s.startsWith('kernel: ', p) ? p + 8 : p
}
