/** The node types with components of their own (File, Data splitter, Transition, Display: SpecialNodes.tsx; Replicate:
 * ReplicateNode.tsx), in their own chunks: loaded with the first such node drawn (or once the first screen is drawn). */
import type { NodeProps, NodeTypes } from "@xyflow/react";
import { lazy, Suspense, type ComponentType } from "react";
import { memoNode } from "./memoNode";

function later(load: () => Promise<ComponentType<NodeProps>>): ComponentType<NodeProps> {
  const Part = lazy(async () => ({ default: await load() }));
  return memoNode(function LazyNode(props: NodeProps) {
    return <Suspense fallback={<div className="flow-node" />}><Part {...props} /></Suspense>;
  });
}

const special = () => import("./SpecialNodes");

const FileNode = later(() => special().then((m) => m.FileNode));

export const SPECIAL_NODES: NodeTypes = {
  file: FileNode,
  "file-drop": FileNode,
  "ai-data-splitter": later(() => special().then((m) => m.SplitterNode)),
  transition: later(() => special().then((m) => m.TransitionNode)),
  display: later(() => special().then((m) => m.DisplayNode)),
  replicate: later(() => import("./ReplicateNode").then((m) => m.ReplicateNode)),
};
