import { describe, expect, it } from 'vitest';
import { platformsFrom } from './host-platform';

describe('platformsFrom', () => {
  it.each([
    ['ID=debian\nVERSION_ID="12"\n', 'x64', ['debian-amd64']],
    // Debian 12's whole /etc/os-release, on amd64 and arm64.
    ['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\n', 'x64', ['debian-amd64']],
    ['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n', 'arm64', ['debian-arm64']],
    ['NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n', 'x64', ['ubuntu-amd64', 'debian-amd64']],
    ['ID=linuxmint\nID_LIKE="ubuntu debian"\n', 'arm64', ['linuxmint-arm64', 'ubuntu-arm64', 'debian-arm64']],
    ['ID="amzn"\nID_LIKE="centos rhel fedora"\n', 'x64', ['amzn-amd64', 'centos-amd64', 'rhel-amd64', 'fedora-amd64']],
    ['', 'x64', ['linux-amd64']],
  ])('%j on %s', (text, arch, expected) => expect(platformsFrom(text, arch)).toEqual(expected));
});
