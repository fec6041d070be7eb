package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Recording is a recording read back: its sessions in the order their
// first message appears.
type Recording struct {
	Sessions []*Session
}

// Session is one client connection's messages, in the order the server
// read them.
type Session struct {
	// ID is the session's number in the file.
	ID       int
	Messages []Message
}

// Startup returns the session's StartupMessage parameters, nil when it
// has none (a cancel request, a connection that never started).
func (s *Session) Startup() map[string]string {
	for i := range s.Messages {
		if s.Messages[i].Type == StartupMessage {
			return s.Messages[i].Params
		}
	}
	return nil
}

// ReadFile reads the recording in the file at path.
func ReadFile(path string) (*Recording, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rec, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rec, nil
}

// Read reads a recording. Decoding is strict: a file without the header,
// of another format or a later version, a line that is not a message
// (unknown fields included), or a message without a session number or a
// type is an error naming the line.
func Read(r io.Reader) (*Recording, error) {
	br := bufio.NewReader(r)
	rec := &Recording{}
	byID := map[int]*Session{} // lookup only
	header := false
	for line := 1; ; line++ {
		text, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if t := bytes.TrimSpace(text); len(t) > 0 {
			if !header {
				if err := readHeader(t); err != nil {
					return nil, fmt.Errorf("line %d: %w", line, err)
				}
				header = true
			} else if err := rec.add(t, byID); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
		}
		if err != nil {
			break
		}
	}
	if !header {
		return nil, errors.New("not a recording: empty")
	}
	return rec, nil
}

func readHeader(line []byte) error {
	var h Header
	if strict(line, &h) != nil || h.Format != Format {
		return fmt.Errorf("not a recording: the first line is not {\"format\":%q,\"version\":%d}", Format, Version)
	}
	if h.Version < 1 || h.Version > Version {
		return fmt.Errorf("recording format version %d is not supported (this reader knows up to %d)", h.Version, Version)
	}
	return nil
}

func (rec *Recording) add(line []byte, byID map[int]*Session) error {
	var m Message
	if err := strict(line, &m); err != nil {
		return fmt.Errorf("not a message: %v", err)
	}
	if m.Session < 1 || m.Type == "" {
		return errors.New("a message needs a session (1 or more) and a type")
	}
	s := byID[m.Session]
	if s == nil {
		s = &Session{ID: m.Session}
		byID[m.Session] = s
		rec.Sessions = append(rec.Sessions, s)
	}
	s.Messages = append(s.Messages, m)
	return nil
}

// strict decodes one JSON object, refusing unknown fields.
func strict(line []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one value on the line")
	}
	return nil
}
