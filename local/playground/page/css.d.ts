/** esbuild bundles the page's stylesheet into app.css when main.tsx imports it (esbuild.config.ts). */
declare module '*.css';
