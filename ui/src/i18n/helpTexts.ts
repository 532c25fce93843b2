/** English texts of the help popup, the node help and the guided tour. Only the (lazily loaded) modules that show
 *  them import this file, which adds them to the English table: they stay out of the editor's first load. French
 *  ones live in fr.ts, itself loaded only when French is chosen. */
import { en } from "./tables";

export const enHelp: Record<string, string> = {
  // help popup
  HelpTopics: "All help topics", OpenPageInNewTab: "Open in a new tab", HelpPageError: "This help page could not be loaded.",
  HelpGuideText: "Build a flow, run it, add your API keys and files.",
  NodeReference: "Node reference", HelpNodesText: "What each node does: its fields, inputs and output.",
  HelpShortcutsText: "Run, stop, undo, copy and tidy up from the keyboard.",
  RunApi: "Run API", HelpApiText: "Start and follow runs over HTTP: the interactive API page, in a new tab.",
  PublishingFlows: "Publishing flows", HelpPublishText: "Save flows on the server and call them as endpoints.",
  HistoryAndResume: "History and resume", HelpHistoryText: "The past runs of a flow; a run goes on across reloads.",
  TakeTheTour: "Take the tour", HelpTourText: "A short guided tour of the editor, step by step.",
  CtrlIsCmd: "Ctrl = ⌘ on macOS.",
  // node help
  LearnMore: "Learn more:", NodeInReference: "{name} in the node reference",
  // guided tour
  TourWelcomeTitle: "Welcome to AI-Flow",
  TourWelcomeText: "Link AI models and tools into flows, run them and watch every result arrive. This short tour shows the essentials.",
  TourStart: "Let's start!", TourKnowApp: "I know the app", TourSkip: "Skip the tour", TourNext: "Next", TourBack: "Back",
  TourDone: "Done", TourProgress: "{{current}} of {{total}}",
  TourPaletteTitle: "Adding nodes",
  TourPaletteText: "Drag a node from this list onto the canvas, or double-click it. Hover over one to see what it does.",
  TourRunTitle: "Running a node",
  TourRunText: "This button runs one node (and the nodes it needs). Its output appears on the node as it is written.",
  TourHandlesTitle: "Connecting nodes",
  TourHandlesText: "Blue handles are inputs, orange ones are outputs: drag from an output to an input to pass a result along.",
  TourRunAllTitle: "Run everything",
  TourRunAllText: "Run all runs the whole flow, each node as soon as its inputs are ready (Ctrl+Enter). Stop appears here meanwhile.",
  TourReplicateTitle: "Many more models",
  TourReplicateText: "Replicate hosts thousands of models for images, video, audio and text: add this node and pick one.",
  TourSettingsTitle: "Settings",
  TourSettingsText: "Your API keys go here (they stay in this browser), with the theme, the language and the nodes shown. Press ? for help at any time.",
};

Object.assign(en, enHelp);
