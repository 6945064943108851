// What the views' detail strip says after a click that goes to the scenario's lines
// (Linking.reveal(), Linking.revealLogLine()).
import type { ScenarioPath } from '../../../shared/scenario/provenance.ts'

/**
 * The detail strip's sentence for a provenance, given the summary of the lines selected
 * (revealPaths(): '' when none was found in the text): where it comes from, or why no
 * line is selected; nothing when there is nothing to say.
 */
export function revealSentence(p: { paths: readonly ScenarioPath[]; why: string }, lines: string): string {
  if (!p.paths.length) return p.why ? `No scenario line: ${p.why}.` : ''
  return lines ? `${lines} — ${p.why}` : 'The scenario lines were not found.'
}
