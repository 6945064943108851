import { mount } from 'svelte'
import App from './App.svelte'
import './app.css'

// The OS theme before the first paint; the saved preference (follow OS / light / dark)
// replaces it as soon as the host answers (App.svelte).
const dark = window.matchMedia('(prefers-color-scheme: dark)').matches
document.documentElement.dataset.theme = dark ? 'dark' : 'light'

const target = document.getElementById('app')
if (!target) throw new Error('#app is missing from index.html')

export default mount(App, { target })
