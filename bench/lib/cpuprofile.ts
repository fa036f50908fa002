import { readFileSync } from 'node:fs';

/** The parts of V8's .cpuprofile format (node --cpu-prof) this summary reads. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SummaryOptions {
  /** Functions to list. Default 30. */
  top?: number;
  /**
   * Only count samples between the first and the last whose stack has a frame matching this, e.g.
   * the router for an HTTP app: start-up (module loading, bootstrap) and shut-down are left out.
   */
  activeFrame?: RegExp;
}

export interface ProfileSummary {
  /** Busy time in ms: every sample but (idle), within the active window. */
  busyMs: number;
  /** Length of the active window in ms (the whole profile without activeFrame). */
  windowMs: number;
  /** Self time per owner (an npm package, plumline's own code, node internals, GC...). */
  selfByOwner: { owner: string; ms: number; share: number }[];
  /**
   * Self time with Node's and V8's own frames (syscalls, crypto, async hooks, microtask runs) charged
   * to the nearest package frame above them: what each package costs, including the runtime work it asks for.
   */
  chargedByOwner: { owner: string; ms: number; share: number }[];
  /** Time with at least one frame of this owner on the stack. */
  inclusiveByOwner: { owner: string; ms: number; share: number }[];
  /** Functions by inclusive time (each counted once per sample however deep it recurses). */
  topFunctions: { name: string; owner: string; selfMs: number; inclusiveMs: number; share: number }[];
}

/** Who a frame belongs to: the npm package in its path, `plumline` for the app's code, or V8/Node's own. */
function ownerOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return '(gc)';
    if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return functionName;
    return '(v8/native)';
  }
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return 'node (internals)';
  if (url.includes('/dist/src/generated/')) return 'plumline (generated prisma client)';
  if (url.includes('/dist/src/') || url.includes('/src/')) return 'plumline';
  return url;
}

/** Frames of the runtime itself, charged to whichever package's code called into them. */
const RUNTIME_OWNERS = new Set(['node (internals)', '(v8/native)', '(program)']);

function frameName(frame: ProfileNode['callFrame']): string {
  const file = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '').replace(/^file:\/\//, '');
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
}

export function summarizeCpuProfile(path: string, { top = 30, activeFrame }: SummaryOptions = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const stackOf = (id: number): ProfileNode[] => {
    const stack: ProfileNode[] = [];
    for (let node = byId.get(id); node; node = byId.get(parent.get(node.id) ?? -1)) stack.push(node);
    return stack;
  };
  let first = 0;
  let last = profile.samples.length - 1;
  if (activeFrame) {
    const active = profile.samples.map((id) => stackOf(id).some((n) => activeFrame.test(frameName(n.callFrame))));
    first = active.indexOf(true);
    last = active.lastIndexOf(true);
    if (first < 0) throw new Error(`no sample of ${path} has a frame matching ${activeFrame}`);
  }
  let windowUs = 0;
  for (let i = first + 1; i <= last; i++) windowUs += profile.timeDeltas[i] ?? 0;
  const selfOwner = new Map<string, number>();
  const chargedOwner = new Map<string, number>();
  const inclOwner = new Map<string, number>();
  const selfFn = new Map<string, number>();
  const inclFn = new Map<string, number>();
  const fnOwner = new Map<string, string>();
  let busyUs = 0;
  const add = (map: Map<string, number>, key: string, us: number): void => {
    map.set(key, (map.get(key) ?? 0) + us);
  };

  profile.samples.forEach((id, i) => {
    if (i < first || i > last) return;
    // timeDeltas[i] is the time since the previous sample: attribute it to this sample's stack.
    const us = profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(id);
    if (!leaf) return;
    const owner = ownerOf(leaf.callFrame);
    if (owner === '(idle)') return;
    busyUs += us;
    add(selfOwner, owner, us);
    const leafName = frameName(leaf.callFrame);
    add(selfFn, leafName, us);
    fnOwner.set(leafName, owner);
    let charged: string | undefined;
    for (let node: ProfileNode | undefined = leaf; node && !charged; node = byId.get(parent.get(node.id) ?? -1)) {
      const o = ownerOf(node.callFrame);
      if (!RUNTIME_OWNERS.has(o)) charged = o;
    }
    add(chargedOwner, charged === undefined || charged === '(root)' ? owner : charged, us);
    const seenOwners = new Set<string>();
    const seenFns = new Set<string>();
    for (let node: ProfileNode | undefined = leaf; node; node = byId.get(parent.get(node.id) ?? -1)) {
      const o = ownerOf(node.callFrame);
      if (o === '(root)') break;
      if (!seenOwners.has(o)) {
        seenOwners.add(o);
        add(inclOwner, o, us);
      }
      const name = frameName(node.callFrame);
      if (!seenFns.has(name)) {
        seenFns.add(name);
        add(inclFn, name, us);
        fnOwner.set(name, o);
      }
    }
  });

  const busyMs = busyUs / 1000;
  const ranked = (map: Map<string, number>) =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).map(([owner, us]) => ({ owner, ms: us / 1000, share: us / 1000 / busyMs }));
  const topFunctions = [...inclFn.entries()]
    .filter(([name]) => !name.startsWith('(program)') && !name.startsWith('(garbage collector)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, owner: fnOwner.get(name) ?? '?', selfMs: (selfFn.get(name) ?? 0) / 1000, inclusiveMs: us / 1000, share: us / 1000 / busyMs }));
  return {
    busyMs,
    windowMs: windowUs / 1000,
    selfByOwner: ranked(selfOwner),
    chargedByOwner: ranked(chargedOwner),
    inclusiveByOwner: ranked(inclOwner),
    topFunctions,
  };
}

export function formatProfileSummary(summary: ProfileSummary, rows = 20): string {
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
  const lines = [`busy CPU time ${summary.busyMs.toFixed(0)} ms of a ${summary.windowMs.toFixed(0)} ms window (idle excluded)`, '', 'self time by owner:'];
  for (const r of summary.selfByOwner.slice(0, rows)) lines.push(`  ${pct(r.share)}  ${r.ms.toFixed(0).padStart(7)} ms  ${r.owner}`);
  lines.push('', 'self time by owner, Node/V8 runtime frames charged to the package that called them:');
  for (const r of summary.chargedByOwner.slice(0, rows)) lines.push(`  ${pct(r.share)}  ${r.ms.toFixed(0).padStart(7)} ms  ${r.owner}`);
  lines.push('', 'inclusive time by owner (on the stack):');
  for (const r of summary.inclusiveByOwner.slice(0, rows)) lines.push(`  ${pct(r.share)}  ${r.ms.toFixed(0).padStart(7)} ms  ${r.owner}`);
  lines.push('', 'functions by inclusive time:');
  for (const f of summary.topFunctions) lines.push(`  ${pct(f.share)}  incl ${f.inclusiveMs.toFixed(0).padStart(6)} ms  self ${f.selfMs.toFixed(0).padStart(5)} ms  ${f.name}`);
  return lines.join('\n');
}
