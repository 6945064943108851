// The editor's language for a document: scenarios are YAML, or JSON when kept as .json
// (the engine reads both; JSON is YAML's flow style). Monaco validates each against the
// scenario schema with its own language service (lib/monaco.ts).
export type ScenarioLanguage = 'yaml' | 'json'

export function languageFor(name: string): ScenarioLanguage {
  return /\.json$/i.test(name) ? 'json' : 'yaml'
}
