// GlimpseSearch: query understanding (phrases, compounds, negation), rankers (full text, CLIP, MiniLM),
// fusion, explanations and evaluation metrics over a GlimpseIndex store.
import GlimpseIndex
import GlimpseText
