export function App() {
  return (
    <main>
      <h1>HopScope</h1>
    </main>
  );
}
