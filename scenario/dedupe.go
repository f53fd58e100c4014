package scenario

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// MemoryDedupe is an in-memory DedupeStore bounded to a number of ids; the
// oldest are dropped first. It does not survive a restart: give a durable
// store for that.
type MemoryDedupe struct {
	mu    sync.Mutex
	max   int
	now   func() time.Time
	order *list.List // of memEntry, oldest first
	ids   map[string]*list.Element
}

type memEntry struct {
	id      string
	expires time.Time
}

// NewMemoryDedupe returns a store holding at most max ids (default 100 000).
func NewMemoryDedupe(max int) *MemoryDedupe {
	if max <= 0 {
		max = 100_000
	}
	return &MemoryDedupe{max: max, now: time.Now, order: list.New(), ids: make(map[string]*list.Element)}
}

// MarkSeen implements DedupeStore.
func (m *MemoryDedupe) MarkSeen(_ context.Context, id string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for e := m.order.Front(); e != nil && now.After(e.Value.(memEntry).expires); e = m.order.Front() {
		m.order.Remove(e)
		delete(m.ids, e.Value.(memEntry).id)
	}
	if _, ok := m.ids[id]; ok {
		return true, nil
	}
	if m.order.Len() >= m.max {
		e := m.order.Front()
		m.order.Remove(e)
		delete(m.ids, e.Value.(memEntry).id)
	}
	m.ids[id] = m.order.PushBack(memEntry{id: id, expires: now.Add(ttl)})
	return false, nil
}

// Forget implements DedupeStore.
func (m *MemoryDedupe) Forget(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.ids[id]; ok {
		m.order.Remove(e)
		delete(m.ids, id)
	}
	return nil
}
