package fakepg

// register makes a session reachable by CancelRequest.
func (s *Server) register(b *backend) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.backends == nil {
		s.backends = map[int32]*backend{}
	}
	s.backends[b.pid] = b
}

func (s *Server) unregister(b *backend) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.backends, b.pid)
}

// cancel handles a CancelRequest: the session with that pid and key has
// its running statement canceled (57014); a wrong key is ignored, as
// PostgreSQL ignores it.
func (s *Server) cancel(pid int32, key uint32) {
	s.mu.Lock()
	b := s.backends[pid]
	s.mu.Unlock()
	if b != nil && cancelKey(pid) == key {
		b.sess.Cancel()
	}
}
