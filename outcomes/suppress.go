package outcomes

import "container/heap"

// Small-cell suppression with secondary suppression.
//
// A table with its margins is a bipartite graph: one node per additive
// equation (each row: its cells sum to the row total; each column; the
// row totals and the column totals each sum to the grand total) and one
// edge per published count, joining the two equations it appears in (a
// one-way table has two nodes, its cells and its total all joining them).
// Scaling the equations and counts by signs (tau) turns every equation into
// "the sum of its edges is 0", so the ways to change suppressed counts
// while keeping every published count and every equation are exactly the
// alternating +1/-1 walks around cycles of suppressed edges.
//
// A suppressed count therefore cannot be recovered from the totals if it
// lies on such a cycle. Counts are whole numbers of at least 1 (empty cells
// are not published), so the cycle must also be walkable: every count it
// lowers must be at least 2. protect makes every suppressed edge lie on a
// walkable cycle, adding the cheapest complementary suppressions (fewest
// people) found by Dijkstra's algorithm. Suppressing more never undoes
// protection already found, so each edge is checked once.
//
// Treating a non-additive table (a person with two needs counts in two
// rows) as additive only protects more than needed.

type sedge struct {
	a, b       int  // row-side node, column-side node
	n          int  // the count; 0 means the cell does not exist
	tau        int8 // +1 or -1: the sign that normalises the equations
	fixed      bool // must stay published (a grand total shown elsewhere)
	suppressed bool
}

type sgraph struct {
	nodes int
	edges []sedge
	adj   [][]int
}

func newSGraph(nodes int) *sgraph {
	return &sgraph{nodes: nodes, adj: make([][]int, nodes)}
}

func (g *sgraph) add(a, b, n int, tau int8, fixed bool) int {
	g.edges = append(g.edges, sedge{a: a, b: b, n: n, tau: tau, fixed: fixed})
	i := len(g.edges) - 1
	g.adj[a] = append(g.adj[a], i)
	g.adj[b] = append(g.adj[b], i)
	return i
}

// protect suppresses every count 0 < n < k and then complements until no
// suppressed count can be recovered. It returns false when that would need
// a fixed count; the caller must then suppress everything, which is safe
// (raising every count of a cycle through the grand total keeps all
// equations).
func (g *sgraph) protect(k int) bool {
	var work []int
	for i := range g.edges {
		e := &g.edges[i]
		if e.n > 0 && e.n < k && !e.fixed {
			e.suppressed = true
			work = append(work, i)
		}
	}
	for len(work) > 0 {
		j := work[0]
		work = work[1:]
		path, ok := g.cheapestCycle(j)
		if !ok {
			return false
		}
		for _, i := range path {
			if !g.edges[i].suppressed {
				g.edges[i].suppressed = true
				work = append(work, i)
			}
		}
	}
	return true
}

// cheapestCycle returns the edges, other than j, of the cheapest walkable
// cycle through j, where suppressed edges cost nothing and others cost
// their count. It tries raising j and, if j is at least 2, lowering it.
func (g *sgraph) cheapestCycle(j int) ([]int, bool) {
	ej := g.edges[j]
	var best []int
	bestCost, found := 0, false
	for _, dj := range []int8{1, -1} {
		if dj == -1 && ej.n < 2 {
			continue
		}
		path, cost, ok := g.dijkstra(j, dj*ej.tau)
		if ok && (!found || cost < bestCost) {
			best, bestCost, found = path, cost, true
		}
		if found && bestCost == 0 {
			break
		}
	}
	return best, found
}

// dijkstra finds the cheapest path from j's column-side node back to its
// row-side node. delta is j's normalised change; along the path an edge
// crossed from the row side gets delta and one crossed from the column side
// -delta, and an edge whose real change (tau times that) is -1 must hold at
// least 2.
func (g *sgraph) dijkstra(j int, delta int8) ([]int, int, bool) {
	const inf = int(^uint(0) >> 1)
	dist := make([]int, g.nodes)
	via := make([]int, g.nodes)
	for i := range dist {
		dist[i], via[i] = inf, -1
	}
	src, dst := g.edges[j].b, g.edges[j].a
	dist[src] = 0
	q := &nodeHeap{{node: src}}
	for q.Len() > 0 {
		it := heap.Pop(q).(nodeDist)
		if it.dist > dist[it.node] {
			continue
		}
		if it.node == dst {
			break
		}
		for _, ei := range g.adj[it.node] {
			e := &g.edges[ei]
			if ei == j || e.n <= 0 || (e.fixed && !e.suppressed) {
				continue
			}
			next, d := e.b, delta
			if it.node == e.b {
				next, d = e.a, -delta
			}
			if d*e.tau < 0 && e.n < 2 {
				continue
			}
			cost := 0
			if !e.suppressed {
				cost = e.n
			}
			if nd := it.dist + cost; nd < dist[next] {
				dist[next], via[next] = nd, ei
				heap.Push(q, nodeDist{node: next, dist: nd})
			}
		}
	}
	if dist[dst] == inf {
		return nil, 0, false
	}
	var path []int
	for n := dst; n != src; {
		ei := via[n]
		path = append(path, ei)
		if e := g.edges[ei]; e.a == n {
			n = e.b
		} else {
			n = e.a
		}
	}
	return path, dist[dst], true
}

type nodeDist struct{ node, dist int }

type nodeHeap []nodeDist

func (h nodeHeap) Len() int { return len(h) }
func (h nodeHeap) Less(i, j int) bool {
	if h[i].dist != h[j].dist {
		return h[i].dist < h[j].dist
	}
	return h[i].node < h[j].node
}
func (h nodeHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *nodeHeap) Push(x any)   { *h = append(*h, x.(nodeDist)) }
func (h *nodeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
