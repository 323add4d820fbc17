/**
 * Key files a command line names (rules' rebuild.keyArgs): flags in either form, shell quoting, placeholders a
 * program fills at deploy, and command lines that are secrets (never read).
 */
import { describe, expect, it } from 'vitest';
import { flagValues, keyFilesOf, shellWords } from '../../src/classify/command-line.js';
import { special } from '../../src/ingest/types.js';

const FLAGS = ['--private-key', '--key-file'];

describe('command lines', () => {
  it('splits shell words: quotes group, separators end a word', () => {
    expect(shellWords(`cd ansible && ansible-playbook -e 'a=1 b=2' "site one.yml";echo done`)).toEqual([
      'cd',
      'ansible',
      '&',
      '&',
      'ansible-playbook',
      '-e',
      'a=1 b=2',
      'site one.yml',
      ';',
      'echo',
      'done',
    ]);
  });

  it('reads --flag FILE and --flag=FILE, quoted or not, in order', () => {
    expect(flagValues('ansible-playbook -i hosts --private-key ~/.ssh/id_ed25519 site.yml', FLAGS, false)).toEqual([
      { flag: '--private-key', file: '~/.ssh/id_ed25519' },
    ]);
    expect(flagValues(`ansible-playbook --key-file="keys/ops admin.pem" --private-key=/etc/ansible/deploy.pem play.yml`, FLAGS, false)).toEqual([
      { flag: '--key-file', file: 'keys/ops admin.pem' },
      { flag: '--private-key', file: '/etc/ansible/deploy.pem' },
    ]);
  });

  it('names no file for a flag without a value, or a placeholder filled at deploy', () => {
    expect(flagValues('ansible-playbook site.yml --private-key; echo', FLAGS, false)).toEqual([{ flag: '--private-key' }]);
    expect(flagValues('ansible-playbook --private-key ${sshKeyPath} site.yml', FLAGS, true)).toEqual([{ flag: '--private-key' }]);
    expect(flagValues('ansible-playbook --private-key=<ssh:keyPath> site.yml', FLAGS, true)).toEqual([{ flag: '--private-key' }]);
    // In plain text a shell variable is what the command says: the file as written.
    expect(flagValues('ansible-playbook --private-key $HOME/.ssh/id_rsa site.yml', FLAGS, false)).toEqual([
      { flag: '--private-key', file: '$HOME/.ssh/id_rsa' },
    ]);
  });

  it('other flags and look-alikes name nothing', () => {
    expect(flagValues('ansible-playbook --private-keys x --vault-password-file pw site.yml -i inventory', FLAGS, false)).toEqual([]);
    expect(flagValues('ssh -i ~/.ssh/id_rsa host', FLAGS, false)).toEqual([]);
  });

  it('a secret or unknown command line is unreadable: named by property only, its value never read', () => {
    const files = keyFilesOf(
      [
        { property: 'create', value: 'ansible-playbook --private-key deploy.pem site.yml' },
        { property: 'update', value: special({ kind: 'secret' }) },
        { property: 'delete', value: special({ kind: 'unknown' }) },
      ],
      FLAGS,
    );
    expect(files).toEqual([{ property: 'create', flag: '--private-key', file: 'deploy.pem' }, { property: 'update' }, { property: 'delete' }]);
    expect(keyFilesOf([{ property: 'create', value: 'ansible-playbook site.yml' }], FLAGS)).toEqual([]);
  });
});
