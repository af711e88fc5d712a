// GET /api/dispositions, read once per page (the list is the server's configuration).
import { useEffect, useState } from 'react';
import { api } from '../shared/api';
import type { DispositionList } from '../shared/types';

let cached: Promise<DispositionList> | null = null;

export function useDispositions(): DispositionList | null {
  const [list, setList] = useState<DispositionList | null>(null);
  useEffect(() => {
    let alive = true;
    cached ??= api.dispositions().catch((err: unknown) => {
      cached = null; // try again next time
      throw err;
    });
    cached.then((l) => alive && setList(l)).catch(() => undefined);
    return () => {
      alive = false;
    };
  }, []);
  return list;
}
