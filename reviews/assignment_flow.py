"""The flow network over a set of candidate pairs, its OR-Tools solve, and what
the residual graph of the solution tells: which nodes a free slot still reaches
(for a minimum cut) and node potentials (for the optimality certificate).

Nodes: papers 0..P-1, reviewers P..P+R-1, the sink P+R, then one gadget node
per (paper, institution) with two or more candidate reviewers of that
institution. Each paper supplies its slots; the sink demands their sum.

    paper --(cap 1, cost 0)--> gadget --(cap 1, cost c)--> reviewer   (shared institution)
    paper --(cap 1, cost c)--> reviewer                               (all other pairs)
    reviewer --(cap load left, cost 0)--> sink

The gadget's unit capacity is the "one reviewer per institution per paper" rule,
exactly; a (paper, institution) group with a single candidate needs no gadget,
but the full network over all pairs has one, so the certificate and the cut
give it a value derived from that candidate's arc. Pair arcs come first, in the
order of the candidate codes, so the first flows say which pairs are chosen.
"""

from dataclasses import dataclass

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from reviews.assignment_problem import Problem, concatenated_ranges

UNREACHED = np.iinfo(np.int64).max // 4


@dataclass
class FlowGraph:
    n_papers: int
    n_reviewers: int
    n_pairs: int
    n_gadgets: int
    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    # Every (paper, institution) with a candidate: key paper * n_institutions
    # + institution (sorted), its paper, its gadget node or -1, and for a
    # group without gadget the arc of its one pair, else -1.
    group_keys: np.ndarray
    group_papers: np.ndarray
    group_gadgets: np.ndarray
    group_pairs: np.ndarray

    @property
    def sink(self):
        return self.n_papers + self.n_reviewers

    @property
    def n_nodes(self):
        return self.sink + 1 + self.n_gadgets


def build_graph(*, problem: Problem, codes, pair_costs) -> FlowGraph:
    """Network over candidate pairs `codes` (paper * R + reviewer, sorted) with
    integer costs `pair_costs`."""
    n_papers, n_reviewers = problem.allowed.shape
    papers, reviewers = np.divmod(codes, n_reviewers)
    sink = n_papers + n_reviewers
    tails = papers.copy()
    group_keys = group_papers = group_gadgets = group_pairs = np.zeros(0, dtype=np.int64)
    if problem.institution_code is not None:
        institutions = problem.institution_code[reviewers]
        grouped = np.flatnonzero(institutions >= 0)
        group_keys, group_of_pair, sizes = np.unique(
            papers[grouped] * problem.n_institutions + institutions[grouped],
            return_inverse=True,
            return_counts=True,
        )
        group_papers = group_keys // problem.n_institutions
        shared = sizes > 1
        group_gadgets = np.where(shared, sink + 1 + np.cumsum(shared) - 1, -1)
        group_pairs = np.full(len(group_keys), -1, dtype=np.int64)
        group_pairs[group_of_pair[~shared[group_of_pair]]] = grouped[~shared[group_of_pair]]
        through_gadget = shared[group_of_pair]
        tails[grouped[through_gadget]] = group_gadgets[group_of_pair[through_gadget]]
    gadgets = group_gadgets[group_gadgets >= 0]
    reviewers_with_load = np.flatnonzero(problem.capacity > 0)
    n_entries, n_sink_arcs = len(gadgets), len(reviewers_with_load)
    return FlowGraph(
        n_papers=n_papers,
        n_reviewers=n_reviewers,
        n_pairs=len(codes),
        n_gadgets=len(gadgets),
        tails=np.concatenate(
            [tails, group_papers[group_gadgets >= 0], n_papers + reviewers_with_load]
        ),
        heads=np.concatenate([n_papers + reviewers, gadgets, np.full(n_sink_arcs, sink)]),
        capacities=np.concatenate(
            [
                np.ones(len(codes) + n_entries, dtype=np.int64),
                problem.capacity[reviewers_with_load],
            ]
        ),
        costs=np.concatenate(
            [
                np.asarray(pair_costs, dtype=np.int64),
                np.zeros(n_entries + n_sink_arcs, dtype=np.int64),
            ]
        ),
        group_keys=group_keys,
        group_papers=group_papers,
        group_gadgets=group_gadgets,
        group_pairs=group_pairs,
    )


def group_potentials(*, graph: FlowGraph, potential, flows):
    """Potential of each group's gadget. Without a node in the graph: with its
    pair unused, the paper's (p -> gadget -> r stays valid); with it used, the
    reviewer's minus the pair's cost (the most the two backward arcs allow)."""
    values = potential[graph.group_papers]
    real = graph.group_gadgets >= 0
    values[real] = potential[graph.group_gadgets[real]]
    used = np.flatnonzero(~real)
    used = used[flows[graph.group_pairs[used]] > 0]
    arcs = graph.group_pairs[used]
    values[used] = potential[graph.heads[arcs]] - graph.costs[arcs]
    return values


def group_reached(*, graph: FlowGraph, reached, flows):
    """Whether each group's gadget is reached. Without a node in the graph:
    with its pair unused, from the paper; with it used, only back from the
    reviewer."""
    values = reached[graph.group_papers]
    real = graph.group_gadgets >= 0
    values[real] = reached[graph.group_gadgets[real]]
    used = np.flatnonzero(~real)
    used = used[flows[graph.group_pairs[used]] > 0]
    values[used] = reached[graph.heads[graph.group_pairs[used]]]
    return values


def solve_flow(*, graph: FlowGraph, slots) -> np.ndarray:
    """Flow on every arc of a maximum flow of minimum cost (it meets all slots
    when that is possible on these arcs)."""
    solver = SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        graph.tails, graph.heads, graph.capacities, graph.costs
    )
    # OR-Tools sizes its graph by the largest node it has seen.
    solver.set_node_supply(graph.n_nodes - 1, 0)
    papers = np.flatnonzero(slots > 0)
    solver.set_nodes_supplies(np.append(papers, graph.sink), np.append(slots[papers], -slots.sum()))
    status = solver.solve_max_flow_with_min_cost()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"OR-Tools min-cost flow failed with status {status}")
    return solver.flows(arcs)


def paper_inflow(*, graph: FlowGraph, flows):
    """Reviews each paper receives in `flows`."""
    from_papers = graph.tails < graph.n_papers
    return np.bincount(
        graph.tails[from_papers], weights=flows[from_papers], minlength=graph.n_papers
    ).astype(np.int64)


def _residual_arcs(*, graph: FlowGraph, flows):
    """(tails, heads, costs) of the arcs with capacity left in the residual graph."""
    forward = flows < graph.capacities
    backward = flows > 0
    return (
        np.concatenate([graph.tails[forward], graph.heads[backward]]),
        np.concatenate([graph.heads[forward], graph.tails[backward]]),
        np.concatenate([graph.costs[forward], -graph.costs[backward]]),
    )


def reached_from_free_slots(*, graph: FlowGraph, flows, slots) -> np.ndarray:
    """Bool per node: reachable in the residual graph from a paper with a free
    slot. After a maximum flow this is the source side of a minimum cut."""
    tails, heads, _ = _residual_arcs(graph=graph, flows=flows)
    root = graph.n_nodes
    short = np.flatnonzero(paper_inflow(graph=graph, flows=flows) < slots)
    tails = np.concatenate([tails, np.full(len(short), root)])
    heads = np.concatenate([heads, short])
    adjacency = csr_matrix(
        (np.ones(len(tails), dtype=np.int8), (tails, heads)), shape=(root + 1, root + 1)
    )
    order = breadth_first_order(adjacency, root, directed=True, return_predecessors=False)
    reached = np.zeros(root + 1, dtype=bool)
    reached[order] = True
    return reached[:root]


def _shortest_distances_from(*, source, n_nodes, tails, heads, costs):
    """Bellman-Ford from `source`, vectorized one relaxation round at a time;
    a round only looks at arcs whose tail improved in the round before."""
    by_tail = np.argsort(tails, kind="stable")
    tails, heads, costs = tails[by_tail], heads[by_tail], costs[by_tail]
    first_arc = np.searchsorted(tails, np.arange(n_nodes + 1))
    distance = np.full(n_nodes, UNREACHED, dtype=np.int64)
    distance[source] = 0
    improved = np.array([source])
    marked = np.zeros(n_nodes, dtype=bool)
    for _ in range(n_nodes):
        starts = first_arc[improved]
        arcs = concatenated_ranges(starts=starts, lengths=first_arc[improved + 1] - starts)
        offered = distance[tails[arcs]] + costs[arcs]
        targets = heads[arcs]
        before = distance[targets]
        np.minimum.at(distance, targets, offered)
        marked[targets[distance[targets] < before]] = True
        improved = np.flatnonzero(marked)
        marked[improved] = False
        if not len(improved):
            return distance
    raise RuntimeError("negative cycle in the residual graph: the flow is not optimal")


def node_potentials(*, graph: FlowGraph, flows) -> np.ndarray:
    """Potentials pi with cost(u, v) + pi(u) - pi(v) >= 0 on every residual arc.

    pi = shortest distance from the sink, which makes paper-side potentials as
    high as they can be; then each reviewer is lowered to the least value its
    own out-arcs allow (reviewers are not adjacent to each other, so every arc
    stays valid). A pair (p, r) outside the graph can then improve the solution
    only if cost + pi(p side) - pi(r) < 0. Reviewers the sink cannot reach have
    no candidate pair and no flow; their only arc goes to the sink.
    """
    tails, heads, costs = _residual_arcs(graph=graph, flows=flows)
    potential = _shortest_distances_from(
        source=graph.sink, n_nodes=graph.n_nodes, tails=tails, heads=heads, costs=costs
    )
    reviewers = np.arange(graph.n_papers, graph.sink)
    potential[reviewers[potential[reviewers] == UNREACHED]] = 0
    from_reviewer = (tails >= graph.n_papers) & (tails < graph.sink)
    least = np.full(graph.n_nodes, -UNREACHED, dtype=np.int64)
    np.maximum.at(
        least, tails[from_reviewer], potential[heads[from_reviewer]] - costs[from_reviewer]
    )
    lowerable = reviewers[least[reviewers] > -UNREACHED]
    potential[lowerable] = least[lowerable]
    return potential
