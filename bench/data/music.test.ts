import { describe, expect, it } from 'vitest';
import { musicLibrary } from './music.js';
import { deriveSeed, Prng } from './prng.js';

describe('Prng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(deriveSeed(42, 1));
    const sa = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(sa);
  });

  it('stays in range', () => {
    const r = new Prng(1);
    for (let i = 0; i < 1000; i++) {
      const v = r.between(3, 5);
      expect(v >= 3 && v <= 5).toBe(true);
      expect(r.next() < 1).toBe(true);
    }
  });
});

describe('musicLibrary', () => {
  const lib = musicLibrary({ tracks: 20_000 });
  const tracks = [...lib.tracks()];
  const albums = [...lib.albums()];
  const artists = [...lib.artists()];

  it('has the requested counts and the default shape', () => {
    expect(tracks.length).toBe(20_000);
    expect(lib.counts).toEqual({ genres: 25, artists: 250, albums: 800, tracks: 20_000 });
    expect(albums.length).toBe(800);
    expect(artists.length).toBe(250);
  });

  it('is deterministic (same seed, same rows) and seed-sensitive', () => {
    const again = [...musicLibrary({ tracks: 20_000 }).tracks()];
    expect(again).toEqual(tracks);
    const other = musicLibrary({ tracks: 20_000, seed: 7 }).tracks().next().value;
    expect(other).not.toEqual(tracks[0]);
  });

  it('gives contiguous ids, valid foreign keys, and per-album track numbers from 1', () => {
    const albumIds = new Set(albums.map((a) => a[0]));
    const perAlbum = new Map<number, number>();
    let bad = 0;
    tracks.forEach((t, i) => {
      const n = (perAlbum.get(t[1]) ?? 0) + 1;
      perAlbum.set(t[1], n);
      if (t[0] !== i + 1 || !albumIds.has(t[1]) || t[3] !== n || t[4] < 1 || t[4] > 25) bad++;
    });
    for (const a of albums) if (a[1] < 1 || a[1] > artists.length) bad++;
    expect(bad).toBe(0);
    expect(perAlbum.size).toBe(albums.length);
  });

  it('reports each artist\'s track count as the data has it', () => {
    const artistOfAlbum = new Map(albums.map((a) => [a[0], a[1]]));
    const perArtist = new Map<number, number>();
    for (const t of tracks) {
      const artist = artistOfAlbum.get(t[1]) ?? 0;
      perArtist.set(artist, (perArtist.get(artist) ?? 0) + 1);
    }
    for (const [artist, n] of perArtist) expect(lib.artistTrackCount(artist)).toBe(n);
  });

  it('gives Chinook-like substring selectivity', () => {
    const love = tracks.filter((t) => t[2].toLowerCase().includes('love')).length / tracks.length;
    expect(love).toBeGreaterThan(0.02);
    expect(love).toBeLessThan(0.05);
  });
});
