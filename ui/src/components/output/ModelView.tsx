/** 3D output: a glTF/GLB or OBJ model in a three.js view with orbit controls (drag to turn, wheel to zoom). */
import { useEffect, useRef, useState } from "react";
import {
  Box3, DirectionalLight, HemisphereLight, Mesh, PerspectiveCamera, Scene, Sphere, Texture, Vector3,
  WebGLRenderer, type Material, type Object3D,
} from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import { GLTFLoader } from "three/addons/loaders/GLTFLoader.js";
import { OBJLoader } from "three/addons/loaders/OBJLoader.js";
import { useT } from "../../i18n";
import { modelFormat } from "../../model/outputType";
import { Spinner } from "../icons";
import { DownloadButton } from "./DownloadButton";

/** `nowebgl`: the browser gives no WebGL context (hardware acceleration off and no software fallback). */
type ViewState = "loading" | "loaded" | "error" | "nowebgl";

async function loadModel(url: string, onProgress: (event: ProgressEvent) => void): Promise<Object3D> {
  if (modelFormat(url) === "obj") return new OBJLoader().loadAsync(url, onProgress);
  return (await new GLTFLoader().loadAsync(url, onProgress)).scene;
}

/** Centres the model on the origin and puts the camera where the whole of it shows, seen from above and aside. */
function frame(model: Object3D, camera: PerspectiveCamera, controls: OrbitControls): void {
  const sphere = new Box3().setFromObject(model).getBoundingSphere(new Sphere());
  const radius = sphere.radius > 0 && Number.isFinite(sphere.radius) ? sphere.radius : 1;
  model.position.sub(sphere.center);
  const distance = (radius / Math.sin((camera.fov * Math.PI) / 360)) * 1.05;
  camera.position.copy(new Vector3(0.55, 0.45, 1).normalize().multiplyScalar(distance));
  camera.near = distance / 100;
  camera.far = distance * 100;
  camera.updateProjectionMatrix();
  controls.target.set(0, 0, 0);
  controls.minDistance = radius * 0.2;
  controls.maxDistance = distance * 10;
  controls.update();
}

function dispose(root: Object3D): void {
  root.traverse((object) => {
    if (!(object instanceof Mesh)) return;
    object.geometry.dispose();
    const materials: Material[] = Array.isArray(object.material) ? object.material : [object.material];
    for (const material of materials) {
      for (const value of Object.values(material)) if (value instanceof Texture) value.dispose();
      material.dispose();
    }
  });
}

export default function ModelView({ url, nodeName }: { url: string; nodeName: string }) {
  const t = useT();
  const stage = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<ViewState>("loading");
  const [percent, setPercent] = useState<number | null>(null);

  useEffect(() => {
    const container = stage.current;
    if (!container) return;
    let renderer: WebGLRenderer;
    try {
      renderer = new WebGLRenderer({ antialias: true, alpha: true, preserveDrawingBuffer: true });
    } catch {
      setState("nowebgl");
      return;
    }
    let closed = false;
    renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    renderer.domElement.className = "nodrag";
    renderer.domElement.dataset.testid = "model-canvas";
    container.append(renderer.domElement);

    const scene = new Scene();
    // lights only: an environment map (PMREM) costs seconds of software rendering where WebGL has no GPU
    scene.add(new HemisphereLight(0xffffff, 0x556070, 2.2));
    const camera = new PerspectiveCamera(40, 1, 0.01, 1000);
    const sun = new DirectionalLight(0xffffff, 2.2);
    sun.position.set(2, 4, 3);
    camera.add(sun); // the light turns with the view
    scene.add(camera);
    const controls = new OrbitControls(camera, renderer.domElement);
    const render = () => { if (!closed) renderer.render(scene, camera); };
    controls.addEventListener("change", render);

    const resize = () => {
      const { clientWidth: width, clientHeight: height } = container;
      if (!width || !height) return;
      renderer.setSize(width, height, false);
      camera.aspect = width / height;
      camera.updateProjectionMatrix();
      render();
    };
    const observer = new ResizeObserver(resize);
    observer.observe(container);
    resize();

    let model: Object3D | null = null;
    loadModel(url, (event) => { if (!closed && event.lengthComputable) setPercent(Math.round((100 * event.loaded) / event.total)); })
      .then((loaded) => {
        if (closed) { dispose(loaded); return; }
        model = loaded;
        scene.add(loaded);
        frame(loaded, camera, controls);
        render();
        setState("loaded");
      })
      .catch(() => { if (!closed) setState("error"); });

    return () => {
      closed = true;
      observer.disconnect();
      controls.dispose();
      if (model) dispose(model);
      renderer.dispose();
      renderer.forceContextLoss();
      renderer.domElement.remove();
    };
  }, [url]);

  return (
    <div className="media model-view nodrag" data-testid="model-viewer" data-state={state} title={state === "loaded" ? t("ModelControlsHint") : undefined}>
      <div className="model-stage" ref={stage} />
      {state === "loading" && <div className="media-overlay"><Spinner size={20} /> {t("ModelLoading")}{percent !== null && ` ${percent} %`}</div>}
      {state === "error" && <p className="media-overlay expired" role="alert">{t("ModelLoadFailed")}</p>}
      {state === "nowebgl" && <p className="media-overlay expired" role="alert">{t("ModelNeedsWebGL")}</p>}
      <DownloadButton url={url} nodeName={nodeName} fallback="glb" />
    </div>
  );
}
