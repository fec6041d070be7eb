package pgxlike

import (
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgproto3/v2"
)

// FieldDescription describes a result column (pgconn.FieldDescription).
type FieldDescription struct {
	Name                 string
	TableOID             uint32
	TableAttributeNumber uint16
	DataTypeOID          uint32
	DataTypeSize         int16
	TypeModifier         int32
	Format               int16
}

// StatementDescription is a prepared statement as the server described
// it (pgconn.StatementDescription).
type StatementDescription struct {
	Name      string
	SQL       string
	ParamOIDs []uint32
	Fields    []FieldDescription
}

// Result is one command's result read whole (pgconn.Result).
type Result struct {
	FieldDescriptions []FieldDescription
	Rows              [][][]byte
	CommandTag        string
	Err               error
}

func convertRowDescription(rd *pgproto3.RowDescription) []FieldDescription {
	fds := make([]FieldDescription, len(rd.Fields))
	for i, f := range rd.Fields {
		fds[i] = FieldDescription{Name: string(f.Name), TableOID: f.TableOID, TableAttributeNumber: f.TableAttributeNumber,
			DataTypeOID: f.DataTypeOID, DataTypeSize: f.DataTypeSize, TypeModifier: f.TypeModifier, Format: f.Format}
	}
	return fds
}

// copyValues copies a DataRow's values out of the read buffer.
func copyValues(values [][]byte) [][]byte {
	row := make([][]byte, len(values))
	for i, v := range values {
		if v != nil {
			row[i] = append(make([]byte, 0, len(v)), v...)
		}
	}
	return row
}

// Exec is pgconn's Exec read whole (MultiResultReader.ReadAll): one simple
// Query, its results until ReadyForQuery. A DataRow before any
// RowDescription stops the collection with pgconn's "unexpected DataRow
// message without preceding RowDescription"; an ErrorResponse stops it
// with the server's error.
func (pc *PgConn) Exec(sql string) ([]*Result, error) {
	if err := pc.lock(); err != nil {
		return nil, err
	}
	pc.send(&pgproto3.Query{String: sql})
	if err := pc.flush(); err != nil {
		pc.asyncClose()
		return nil, err
	}
	var results []*Result
	var cur *Result
	concluded := true
	var mrrErr error
	for {
		msg, err := pc.receiveMessage()
		if err != nil {
			return results, err
		}
		switch msg := msg.(type) {
		case *pgproto3.RowDescription:
			if mrrErr == nil {
				cur, concluded = &Result{FieldDescriptions: convertRowDescription(msg)}, false
				results = append(results, cur)
			}
		case *pgproto3.DataRow:
			if mrrErr == nil {
				if concluded {
					mrrErr = errors.New("unexpected DataRow message without preceding RowDescription")
				} else {
					cur.Rows = append(cur.Rows, copyValues(msg.Values))
				}
			}
		case *pgproto3.CommandComplete:
			if mrrErr == nil {
				if concluded {
					cur = &Result{}
					results = append(results, cur)
				}
				cur.CommandTag, concluded = string(msg.CommandTag), true
			}
		case *pgproto3.EmptyQueryResponse:
			if mrrErr == nil {
				results = append(results, &Result{})
				concluded = true
			}
		case *pgproto3.ErrorResponse:
			pgErr := errorResponseToPgError(msg)
			if !concluded {
				cur.Err, concluded = pgErr, true
			}
			mrrErr = pgErr
		case *pgproto3.ReadyForQuery:
			pc.unlock()
			return results, mrrErr
		}
	}
}

// Prepare is pgconn's Prepare: Parse, Describe of the statement and Sync.
func (pc *PgConn) Prepare(name, sql string) (*StatementDescription, error) {
	if err := pc.lock(); err != nil {
		return nil, err
	}
	defer pc.unlock()
	pc.send(&pgproto3.Parse{Name: name, Query: sql})
	pc.send(&pgproto3.Describe{ObjectType: 'S', Name: name})
	pc.send(&pgproto3.Sync{})
	if err := pc.flush(); err != nil {
		pc.asyncClose()
		return nil, err
	}
	psd := &StatementDescription{Name: name, SQL: sql}
	parseComplete := false
	var pgErr *PgError
	for {
		msg, err := pc.receiveMessage()
		if err != nil {
			return nil, err
		}
		switch msg := msg.(type) {
		case *pgproto3.ParseComplete:
			parseComplete = true
		case *pgproto3.ParameterDescription:
			psd.ParamOIDs = append([]uint32(nil), msg.ParameterOIDs...)
		case *pgproto3.RowDescription:
			psd.Fields = convertRowDescription(msg)
		case *pgproto3.ErrorResponse:
			pgErr = errorResponseToPgError(msg)
		case *pgproto3.ReadyForQuery:
			if pgErr != nil {
				return nil, &PrepareError{err: pgErr, ParseComplete: parseComplete}
			}
			return psd, nil
		}
	}
}

// combineFields is combineFieldDescriptionsAndResultFormats.
func combineFields(fields []FieldDescription, formats []int16) ([]FieldDescription, error) {
	out := append([]FieldDescription(nil), fields...)
	switch {
	case len(formats) == 1:
		for i := range out {
			out[i].Format = formats[0]
		}
	case len(formats) == len(out):
		for i := range out {
			out[i].Format = formats[i]
		}
	case len(formats) != 0:
		return out, fmt.Errorf("result format codes length %d does not match field count %d", len(formats), len(out))
	}
	return out, nil
}

// ExecStatement is pgconn's ExecStatement read whole: Bind of the
// prepared statement (with a Describe of the portal only when the
// description has no fields), Execute and Sync, then the rows, the command
// tag and ReadyForQuery.
func (pc *PgConn) ExecStatement(sd *StatementDescription, params [][]byte, paramFormats, resultFormats []int16) *Result {
	res := &Result{}
	if err := pc.lock(); err != nil {
		res.Err = err
		return res
	}
	if len(params) > math.MaxUint16 {
		pc.unlock()
		res.Err = fmt.Errorf("extended protocol limited to %v parameters", math.MaxUint16)
		return res
	}
	pc.send(&pgproto3.Bind{PreparedStatement: sd.Name, ParameterFormatCodes: paramFormats, Parameters: params,
		ResultFormatCodes: resultFormats})
	if len(sd.Fields) == 0 {
		pc.send(&pgproto3.Describe{ObjectType: 'P'})
	}
	pc.send(&pgproto3.Execute{})
	pc.send(&pgproto3.Sync{})
	if err := pc.flush(); err != nil {
		pc.asyncClose()
		res.Err = err
		return res
	}
	described := false
	describe := func() {
		if !described && sd != nil && len(sd.Fields) > 0 {
			fds, err := combineFields(sd.Fields, resultFormats)
			res.FieldDescriptions = fds
			if err != nil && res.Err == nil {
				res.Err = err
			}
		}
		described = true
	}
	concluded := false
	for !concluded {
		msg, err := pc.receiveMessage()
		if err != nil {
			res.Err = err
			return res
		}
		switch msg := msg.(type) {
		case *pgproto3.RowDescription:
			res.FieldDescriptions, described = convertRowDescription(msg), true
		case *pgproto3.DataRow:
			describe()
			res.Rows = append(res.Rows, copyValues(msg.Values))
		case *pgproto3.CommandComplete:
			describe()
			res.CommandTag, concluded = string(msg.CommandTag), true
		case *pgproto3.EmptyQueryResponse:
			concluded = true
		case *pgproto3.ErrorResponse:
			res.Err, concluded = errorResponseToPgError(msg), true
		}
	}
	for {
		msg, err := pc.receiveMessage()
		if err != nil {
			res.CommandTag, res.Err = "", err
			return res
		}
		switch msg := msg.(type) {
		case *pgproto3.ErrorResponse:
			res.Err = errorResponseToPgError(msg)
		case *pgproto3.ReadyForQuery:
			pc.unlock()
			return res
		}
	}
}

// Deallocate is pgconn's Deallocate: Close of the statement and Sync. As
// in pgconn, a server error returns before ReadyForQuery is read.
func (pc *PgConn) Deallocate(name string) error {
	if err := pc.lock(); err != nil {
		return err
	}
	defer pc.unlock()
	pc.send(&pgproto3.Close{ObjectType: 'S', Name: name})
	pc.send(&pgproto3.Sync{})
	if err := pc.flush(); err != nil {
		pc.asyncClose()
		return err
	}
	for {
		msg, err := pc.receiveMessage()
		if err != nil {
			return err
		}
		switch msg := msg.(type) {
		case *pgproto3.ErrorResponse:
			return errorResponseToPgError(msg)
		case *pgproto3.ReadyForQuery:
			return nil
		}
	}
}

// deallocateAll sends a Close for each statement and one Sync, as pgx's
// pipeline does for invalidated cached statements, and reads until
// ReadyForQuery.
func (pc *PgConn) deallocateAll(names []string) error {
	if err := pc.lock(); err != nil {
		return err
	}
	defer pc.unlock()
	for _, name := range names {
		pc.send(&pgproto3.Close{ObjectType: 'S', Name: name})
	}
	pc.send(&pgproto3.Sync{})
	if err := pc.flush(); err != nil {
		pc.asyncClose()
		return err
	}
	var firstErr error
	for {
		msg, err := pc.receiveMessage()
		if err != nil {
			return err
		}
		switch msg := msg.(type) {
		case *pgproto3.ErrorResponse:
			if firstErr == nil {
				firstErr = errorResponseToPgError(msg)
			}
		case *pgproto3.ReadyForQuery:
			return firstErr
		}
	}
}
