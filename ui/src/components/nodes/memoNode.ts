/** Node components drawn again only when what they show changes: React Flow also renders a node's component when
 * the node moves or is measured, which a 300-node flow does hundreds of times while it runs. */
import type { NodeProps } from "@xyflow/react";
import { memo, type ComponentType } from "react";

/** The props the node components read (id, data, selected): a change of any other leaves the node as it is. */
function sameNode(before: NodeProps, after: NodeProps): boolean {
  return before.id === after.id && before.data === after.data && before.selected === after.selected && before.type === after.type;
}

export function memoNode(component: ComponentType<NodeProps>): ComponentType<NodeProps> {
  return memo(component, sameNode);
}
