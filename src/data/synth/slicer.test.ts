import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ATROPHY_MODEL, type Atrophy } from './atrophy.js';
import { darkCentralArea, labelCount } from './measure.js';
import { LabelBit, renderSubject } from './slicer.js';
import { drawSubject, SLICE_HEIGHT, SLICE_WIDTH } from './subject.js';
import { loadTemplate, type Template } from './template.js';
import { AlzbenchError } from '../../util/errors.js';

let template: Template;
before(() => {
  template = loadTemplate();
});

/** The model's mean atrophy for a stage (ageing at its mean), so only the stage effect varies. */
function meanAtrophy(stage: number): Atrophy {
  const m = ATROPHY_MODEL;
  const sign = (key: 'ventricleMm' | 'cortexMm' | 'hippocampusMm') => m.ageing[key] / 2 + m.perSeverity[key] * stage;
  return { severity: stage, ventricleMm: sign('ventricleMm'), cortexMm: sign('cortexMm'), hippocampusMm: sign('hippocampusMm') };
}

test('the template has its ventricles, hippocampi and tissue levels where expected', () => {
  assert.deepEqual(template.dims, [181, 217, 181]);
  assert.ok(template.levels.csf < template.levels.grey && template.levels.grey < template.levels.white);
  // AAL hippocampi of Colin27: 7469 + 7606 voxels; lateral ventricles of a young adult: 10-30 ml.
  assert.equal(template.volumes.hippocampi, 15075);
  assert.ok(template.volumes.ventricles > 10000 && template.volumes.ventricles < 30000, `ventricles ${template.volumes.ventricles}`);
});

test('a missing template names the package to install', () => {
  assert.throws(
    () => loadTemplate('/nonexistent/templates'),
    (error: unknown) => error instanceof AlzbenchError && /apt-get install mricron-data/.test(error.hint ?? ''),
  );
});

test('rendering is deterministic, 176x208, with a black background around the brain', () => {
  const subject = drawSubject(11, 2, 1, template, { count: 3, zRange: [0, 20] });
  const a = renderSubject(template, subject).images;
  const b = renderSubject(template, subject).images;
  assert.equal(a.length, 3);
  assert.deepEqual(a, b);
  for (const image of a) {
    assert.equal(image.length, SLICE_WIDTH * SLICE_HEIGHT);
    for (const corner of [0, SLICE_WIDTH - 1, (SLICE_HEIGHT - 1) * SLICE_WIDTH]) assert.equal(image[corner], 0);
    const brain = image.filter((v) => v > 0).length;
    assert.ok(brain > 0.3 * image.length && brain < 0.8 * image.length, `brain pixels ${brain}`);
  }
  const other = renderSubject(template, drawSubject(12, 2, 1, template, { count: 3, zRange: [0, 20] })).images;
  assert.notDeepEqual(other, a);
});

test('stages enlarge the ventricles (measured in the images) and shrink the hippocampi (labels)', () => {
  const ventricleArea: number[] = [];
  const ventricleVolume: number[] = [];
  const hippocampusVolume: number[] = [];
  for (let stage = 0; stage < 4; stage++) {
    // Same anatomy, contrast and noise for every stage: only the atrophy differs.
    const atrophy = meanAtrophy(stage);
    const ventricleLevels = drawSubject(5, 0, stage, template, { count: 6, zRange: [8, 28] }, atrophy);
    const rendered = renderSubject(template, ventricleLevels, true);
    ventricleArea.push(rendered.images.reduce((sum, image) => sum + darkCentralArea(image), 0));
    ventricleVolume.push(labelCount(rendered.labels!, LabelBit.ventricle));
    // 1 mm apart, so the label count is the volume in mm³.
    const hippocampusLevels = drawSubject(5, 0, stage, template, { count: 41, zRange: [-30, 10] }, atrophy);
    hippocampusVolume.push(labelCount(renderSubject(template, hippocampusLevels, true).labels!, LabelBit.hippocampus));
  }
  for (let s = 1; s < 4; s++) {
    assert.ok(ventricleArea[s]! > ventricleArea[s - 1]!, `ventricle area ${ventricleArea}`);
    assert.ok(ventricleVolume[s]! > ventricleVolume[s - 1]!, `ventricle label area ${ventricleVolume}`);
    assert.ok(hippocampusVolume[s]! < hippocampusVolume[s - 1]!, `hippocampus volume ${hippocampusVolume}`);
  }
  // Moderate vs NonDemented: clear but not absurd changes (AD: hippocampi -25..-40 %, ventricles up to ~2x).
  const hippocampusRatio = hippocampusVolume[3]! / hippocampusVolume[0]!;
  const ventricleRatio = ventricleArea[3]! / ventricleArea[0]!;
  assert.ok(hippocampusRatio > 0.55 && hippocampusRatio < 0.85, `hippocampus ratio ${hippocampusRatio}`);
  assert.ok(ventricleRatio > 1.3 && ventricleRatio < 3, `ventricle ratio ${ventricleRatio}`);
  assert.ok(hippocampusVolume[0]! > 12000 && hippocampusVolume[0]! < 19000, `hippocampus volume ${hippocampusVolume[0]}`);
});
