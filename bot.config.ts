// The example bot this repository runs. It grows as features land: plugins are
// added here once the plugin API and the official plugins exist.
export default {
  plugins: [],
};
