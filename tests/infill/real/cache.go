package cache

import (
	"sync"
	"time"
)

// Cache keeps values for a fixed time.
type Cache struct {
	mu      sync.Mutex
	ttl     time.Duration
	entries map[string]entry
}

type entry struct {
	value   string
	expires time.Time
}

func New(ttl time.Duration) *Cache {
	return &Cache{ttl: ttl, entries: make(map[string]entry)}
}

func (c *Cache) Set(key, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = entry{value: value, expires: time.Now().Add(c.ttl)}
}

func (c *Cache) Get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || time.Now().After(e.expires) {
		return "", false
	}
	return e.value, true
}
