export { testdir, writeFixtures, type FixtureFile } from './testdir';
