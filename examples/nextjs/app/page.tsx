export default function Home() {
  return (
    <main>
      <h1>Contacts CRM</h1>
      <p>
        The example API of synth&apos;s <code>contracts/</code>, served under <code>/api/v1</code> by
        route handlers that validate with the generated Zod contracts.
      </p>
    </main>
  );
}
