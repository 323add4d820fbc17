import { describe, expect, it } from 'vitest';
import { listNames } from '../../../src/analysis/findings/util.js';

describe('listNames', () => {
  it('names one, two or up to max names, then says how many more', () => {
    expect(listNames(['KakaoTalk'])).toBe('KakaoTalk');
    expect(listNames(['KakaoTalk', 'Melon'])).toBe('KakaoTalk and Melon');
    expect(listNames(['a', 'b', 'c', 'd'])).toBe('a, b, c and d');
    expect(listNames(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('a, b, c and 3 more services');
  });

  it('calls the rest what the caller says (events, tools), even when a name ends like the default', () => {
    expect(listNames(['zone a', 'zone b', 'zone c', 'zone d'], 3, 'more events')).toBe('zone a, zone b and 2 more events');
    expect(listNames(['deploy', 'monitoring', 'console', 'vault', 'dns'], 4, 'more')).toBe('deploy, monitoring, console and 2 more');
    expect(listNames(['x', 'the 2 more services'], 3, 'more')).toBe('x and the 2 more services');
  });
});
