/** English texts of the node catalogue: names, help, field labels (keyed by field name), placeholders, descriptions, options. */
export const enNodes: Record<string, string> = {
  // node names
  InputImage: "Image", "Generate Number": "Random number", "HTTP Get": "HTTP GET",
  // palette help
  claudeAnthropichHelp: "Sends a prompt (and optional context) to an Anthropic Claude model.",
  deepSeekHelp: "Sends a prompt (and optional context) to a DeepSeek model.",
  documentToTextHelp: "Extracts the text of a document (PDF, Word, text…) from its URL.",
  generateNumberHelp: "Draws a random whole number between a minimum and a maximum.",
  gptImageHelp: "Generates or edits an image with OpenAI's GPT Image model.",
  httpGetProcessorHelp: "Fetches a URL with an HTTP GET request and passes on the answer.",
  openaio1Help: "Sends a prompt to an OpenAI reasoning model (o-series).",
  textToSpeechHelp: "Reads a text aloud with an OpenAI voice and gives an audio file.",
  openRouterHelp: "Sends a prompt (and optional context) to any model offered by OpenRouter.",
  replaceTextNodeHelp: "Finds a text (or a regular expression) in its input and replaces it.",
  // placeholders
  InputTextPlaceholder: "Type your text here…", InputImagePlaceholder: "URL of an image (optional)",
  GenericPromptPlaceholder: "Describe what you want…", GenericNegativePromptPlaceholder: "What you do not want to see (optional)",
  TTSInstructionPlaceholder: "e.g. Speak in a cheerful, warm tone", httpGetProcessorURLPlaceholder: "https://api.example.com/data",
  "Enter a numeric seed": "A number, e.g. 42", "Resource URL": "URL of a file",
  // descriptions
  TTSInstructionDescription: "How the voice should speak: tone, pace, emotion (gpt-4o-mini-tts only).",
  minimumValueForTheRandomNumber: "The smallest number that can be drawn.",
  maximumValueForTheRandomNumber: "The largest number that can be drawn.",
  httpGetProcessorURLDescription: "The address to fetch; its answer becomes this node's output.",
  httpGetProcessorHeadersDescription: "Extra HTTP headers sent with the request (name and value).",
  gptImageMaskDescription: "A PNG whose transparent parts mark where the image may change.",
  // field labels (by field name)
  prompt: "Prompt", size: "Size", quality: "Quality", fileUrl: "File", image_url: "Image URL", inputText: "Text", model: "Model",
  context: "Context", web_search: "Web search", search_context_size: "Search context size", mergeMode: "Merge mode",
  inputNameBar: "Inputs", style_preset: "Style", "Video length": "Video length", "Frames per second": "Frames per second",
  url: "URL", with_html_tags: "Keep HTML tags", with_html_attributes: "Keep HTML attributes", selectors: "Only these elements (CSS selectors)",
  selectors_to_remove: "Remove these elements (CSS selectors)", language: "Language", thinking: "Extended thinking",
  budget_tokens: "Thinking budget (tokens)", document_url: "Document URL", Min: "Minimum", Max: "Maximum", method: "Method",
  headers: "Headers", reasoning_effort: "Reasoning effort", text: "Text", voice: "Voice", instruction: "Voice instructions",
  input_text: "Text", search_text: "Search for", replacement_text: "Replace with", "Replace All Occurrences": "Replace all occurrences",
  "Case Sensitive": "Case sensitive", "Use Regular Expression": "Regular expression", Path: "Operation",
  negative_prompt: "Negative prompt", aspect_ratio: "Aspect ratio", seed: "Seed", output_format: "Output format", image: "Image",
  mask: "Mask", grow_mask: "Grow mask", background: "Background", moderation: "Moderation", texture_resolution: "Texture resolution",
  foreground_ratio: "Foreground ratio", remesh: "Remesh", vertex_count: "Vertex count", strength: "Strength", creativity: "Creativity",
  control_strength: "Control strength", search_prompt: "Search for", select_prompt: "Select", fidelity: "Fidelity", left: "Left",
  right: "Right", up: "Up", down: "Down", cfg_scale: "Guidance scale", motion_bucket_id: "Motion", guidance_scale: "Guidance scale",
  // option labels
  standard: "Standard", hd: "HD", Low: "Low", Medium: "Medium", High: "High", low: "Low", medium: "Medium", high: "High", auto: "Automatic",
  Merge: "Merge", "Merge + GPT": "Merge + GPT", Generate: "Generate", Edit: "Edit", opaque: "Opaque", transparent: "Transparent",
  "14_frames_with_svd": "14 frames (SVD)", "25_frames_with_svd_xt": "25 frames (SVD-XT)", none: "None", triangle: "Triangles", quad: "Quads",
  English: "English", French: "French", Spanish: "Spanish", German: "German", Italian: "Italian", Chinese: "Chinese", Hindi: "Hindi",
  Arabic: "Arabic", Japanese: "Japanese", Portuguese: "Portuguese", Russian: "Russian", Korean: "Korean",
};
