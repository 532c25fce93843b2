/** The React Flow canvas: node types from the catalogue, deletable edges, drop from the palette. */
import {
  Background, BackgroundVariant, BaseEdge, Controls, EdgeLabelRenderer, getBezierPath, MarkerType, MiniMap, ReactFlow, useReactFlow,
  type EdgeProps, type NodeTypes, useNodesInitialized,
} from "@xyflow/react";
import { useEffect, useMemo, useRef, type DragEvent } from "react";
import { afterFirstScreen } from "../afterFirstScreen";
import { freeSpot } from "../model/layout";
import type { FlowEdge, FlowNode } from "../model/types";
import { selectCurrentTab, useFlow } from "../store/flowStore";
import { usePrefs } from "../store/prefs";
import { Close } from "./icons";
import { GenericNode } from "./nodes/GenericNode";
import { SPECIAL_NODES as SPECIAL } from "./nodes/lazyNodes";
import { memoNode } from "./nodes/memoNode";
import { DRAG_MIME, type PaletteItemPayload } from "./Palette";

function ButtonEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, selected }: EdgeProps) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={selected ? "selected" : ""} />
      <EdgeLabelRenderer>
        <button type="button" className="edge-remove nodrag nopan" style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          onClick={() => useFlow.getState().removeEdge(id)} aria-label="remove connection" data-testid={`edge-remove-${id}`}>
          <Close size={10} />
        </button>
      </EdgeLabelRenderer>
    </>
  );
}

const edgeTypes = { buttonedge: ButtonEdge };
const Generic = memoNode(GenericNode);
const defaultEdgeOptions = { type: "buttonedge", markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 } };
const proOptions = { hideAttribution: false };
const fitViewOptions = { padding: 0.15, maxZoom: 1 };

// The canvas's handlers never change: a new function on each render of the canvas made React Flow render every
// node again (they reach each node's wrapper as props).
const flow = useFlow.getState;
const onNodesChange = (changes: unknown[]) => flow().onNodesChange(changes as never);
const onEdgesChange = (changes: unknown[]) => flow().onEdgesChange(changes as never);
const onConnect = (connection: unknown) => flow().connect(connection as never);
const isValidConnection = (connection: unknown) => flow().canConnect(connection as FlowEdge);
const onNodeClick = (_: unknown, node: unknown) => flow().selectNode((node as FlowNode).id);
const onNodeDragStart = () => flow().pushHistory();
const onPaneClick = () => flow().selectNode(null);
const onDragOver = (event: DragEvent) => {
  event.preventDefault();
  event.dataTransfer.dropEffect = "move";
};

export function Canvas() {
  // the parts of the tab the canvas draws, each on its own: run states change on every run event
  const tabId = useFlow((s) => selectCurrentTab(s).id);
  const nodes = useFlow((s) => selectCurrentTab(s).nodes);
  const tabEdges = useFlow((s) => selectCurrentTab(s).edges);
  const configs = useFlow((s) => s.configs);
  const typeKey = useMemo(() => [...new Set([...Object.keys(configs), ...nodes.map((n) => n.type)])].sort().join("|"), [configs, nodes]);
  const theme = usePrefs((s) => s.theme);
  const showMinimap = usePrefs((s) => s.showMinimap);
  const rf = useReactFlow();

  // fit the view once per tab, when its nodes have been measured; a tab opened empty counts as fitted,
  // so the first node dropped on it stays where it was dropped
  const initialized = useNodesInitialized();
  const fitted = useRef<string | null>(null);
  const empty = nodes.length === 0;
  useEffect(() => {
    if (fitted.current === tabId) return;
    if (empty) {
      fitted.current = tabId;
      return;
    }
    if (!initialized) return;
    fitted.current = tabId;
    requestAnimationFrame(() => rf.fitView(fitViewOptions));
  }, [initialized, tabId, empty, rf]);

  // the canvas is drawn: what comes next (the socket, likely parts) starts loading
  useEffect(() => { if (initialized || empty) afterFirstScreen(); }, [initialized, empty]);

  const nodeTypes = useMemo(() => {
    const types: NodeTypes = {};
    for (const type of typeKey.split("|").filter(Boolean)) types[type] = SPECIAL[type] ?? Generic;
    return { ...types, ...SPECIAL };
  }, [typeKey]);

  const edges = useMemo(() => tabEdges.map((e) => ({ ...e, markerEnd: defaultEdgeOptions.markerEnd })), [tabEdges]);

  const onDrop = (event: DragEvent) => {
    const raw = event.dataTransfer.getData(DRAG_MIME);
    if (!raw) return;
    event.preventDefault();
    const payload = JSON.parse(raw) as PaletteItemPayload;
    const position = rf.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    // dropped on other nodes, the new node moves aside to the nearest free space
    const spot = freeSpot(selectCurrentTab(flow()).nodes, { x: position.x - 40, y: position.y - 30 });
    flow().addNode(payload.type, spot, { data: payload.data, config: payload.config });
  };

  return (
    <div className="reactflow-wrapper" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<never, never>
        key={tabId}
        nodes={nodes as unknown as never[]}
        edges={edges as unknown as never[]}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onNodeClick={onNodeClick}
        onNodeDragStart={onNodeDragStart}
        onPaneClick={onPaneClick}
        deleteKeyCode={null /* Delete/Backspace: useShortcuts, one undo step with the links */}
        multiSelectionKeyCode={["Meta", "Control", "Shift"]}
        colorMode={theme}
        minZoom={0.15}
        maxZoom={1.75}
        proOptions={proOptions}
      >
        <Background variant={BackgroundVariant.Dots} gap={22} size={1.3} />
        <Controls position="bottom-left" showInteractive={false} fitViewOptions={fitViewOptions} />
        {showMinimap && <MiniMap position="bottom-right" pannable zoomable className="minimap" nodeBorderRadius={8} />}
      </ReactFlow>
    </div>
  );
}
