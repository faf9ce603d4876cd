/** Shared helper imported by the plugin: local TypeScript imports work without a build step. */
export function greeting(name: string | undefined, style: 'friendly' | 'formal'): string {
  const who = name ?? 'there';
  return style === 'formal' ? `Good day, ${who}.` : `Hi ${who}! 👋`;
}
