// GET /api/topics: the queues a caller may choose. null while loading; [] when the server
// offers none or cannot say (the call then goes to its default queue).
import { useEffect, useState } from 'react';
import { api } from '../shared/api';
import type { Topic } from '../shared/types';

export function useTopics(): Topic[] | null {
  const [topics, setTopics] = useState<Topic[] | null>(null);
  useEffect(() => {
    let live = true;
    api
      .topics()
      .then((t) => live && setTopics(t))
      .catch(() => live && setTopics([]));
    return () => {
      live = false;
    };
  }, []);
  return topics;
}
